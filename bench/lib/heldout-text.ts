/**
 * Held-out text for the accuracy bench's teacher-forced and perplexity measures: never the
 * calibration texts (prover/src/quant/calibration-text.ts), so the scales are not fitted to it.
 * - STORIES_HELDOUT: short children's stories written for this bench (the TinyStories domain of
 *   stories260K), sharing no sentence with the calibration texts; eight since issue 17's
 *   fidelity work (four gave 605 positions, too few to resolve 99 % from 98 % top-1 agreement).
 * - shakespeareValidation: windows of the last 10 % of tinyshakespeare, the bundled model's
 *   validation split (its card: the first 90 % is training data).
 */
import { existsSync, readFileSync } from 'node:fs';

export const STORIES_HELDOUT: readonly string[] = [
  'Once upon a time, there was a small frog who lived in a green pond. Every morning he jumped from leaf to leaf and sang to the fish. One day a big wind blew his favorite leaf away. The frog was sad, but a kind turtle let him sit on her back. They swam across the pond together, and the frog sang his best song for her.',
  'Mia wanted to bake a cake for her grandma. She got the flour, the eggs and the sugar. Her little brother Max wanted to help, so he mixed the bowl with a big spoon. Some flour fell on the floor and on his nose. Mia laughed and said, "You look like a snowman!" When the cake was done, grandma smiled and hugged them both.',
  'There was a boy named Sam who had a blue kite. He took it to the hill on a windy day. The kite went up, up, up, until it was very small in the sky. Then the string broke and the kite flew away. Sam looked for it everywhere. At last he found it in a tree near his house, and his dad helped him get it down.',
  'A little bird could not fly yet. She sat in her nest and watched her sisters flap their wings. "I am scared," she said to her mom. Her mom said, "Try one small flap today." The bird tried, and she went a little way. The next day she tried again. Soon she could fly over the trees, and she was very proud.',
  'Ben had a small red car. He liked to push it on the floor and make it go fast. One day the car went under the bed and Ben could not find it. He asked his sister Anna to help. Anna got a light and looked under the bed. "There it is!" she said. Ben was so happy that he gave Anna a big hug and let her play with the car too.',
  'It was a cold day in the park. Lucy saw a little dog sitting alone by a tree. The dog looked sad and hungry. Lucy gave the dog a piece of her bread. The dog wagged its tail and licked her hand. Lucy and her mom took the dog home, gave it a warm bed and named it Spot. Spot was never alone again.',
  'Tim and his dad went to the beach. The sun was bright and the water was blue. Tim built a big sand castle with a tall tower. Then a wave came and the castle fell down. Tim wanted to cry, but his dad said, "We can build it again, bigger this time." They worked together, and the new castle was the best one on the beach.',
  'Once there was a little tree in a big forest. The other trees were tall and the little tree wanted to be tall too. Every day it drank the rain and looked at the sun. The birds sang to it and the wind played with its leaves. One spring the little tree saw that it had grown. It was not the tallest tree, but it was strong and happy.',
];

/** `count` windows of `len` bytes from the validation split (last 10 %) of tinyshakespeare, evenly spaced. */
export function shakespeareValidation(path: string, count: number, len: number): string[] | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'latin1');
  const start = Math.floor(text.length * 0.9);
  const step = Math.floor((text.length - start - len) / count);
  return Array.from({ length: count }, (_, i) => text.slice(start + i * step, start + i * step + len));
}
