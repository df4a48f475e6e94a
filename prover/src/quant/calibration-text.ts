/**
 * Built-in calibration text: the default sample over which static activation scales are
 * measured (quantize.ts). Fixed, so the default quantization (and thus the model id) of a
 * model file is reproducible. Written for this project: short children's-story prose (the
 * domain of TinyStories models such as stories260K) plus a few lines of dialogue and verse.
 */
export const CALIBRATION_TEXTS: readonly string[] = [
  'Once upon a time, there was a little boy named Tom. He liked to run in the garden with his dog. One day, the sun was hot and Tom was thirsty. His mom gave him a cold glass of milk and he said, "Thank you, Mom!"',
  'Sara had a red ball. She threw it high in the sky and it fell in the tree. She was sad. Her friend Ben came and helped her get the ball down. They played together all day and were very happy.',
  'The old cat sat by the window and looked at the birds. A big bird flew down and sang a song. The cat wanted to catch it, but the bird was too fast. The cat went back to sleep in the warm sun.',
  'Lily and her brother went to the park. They saw a duck in the pond. "Look, a duck!" said Lily. The duck swam to them and they gave it some bread. Then it started to rain, so they ran home.',
  'First Citizen: Before we proceed any further, hear me speak. All: Speak, speak. KING: What news, my lord? Shall we to the tower tonight? Good morrow, sweet friend; the day is fair and the wind is kind.',
  'One day a little girl found a shiny key under a rock. She wondered what it could open. She tried the door, the box and the gate. At last she opened a tiny chest and found a note that said: be kind.',
];

/** Token sequences for calibration: every text with BOS (when the tokenizer has one), at most maxLen tokens each. */
export function calibrationIds(encode: (text: string, opts?: { bos?: boolean }) => number[], maxLen = 128): number[][] {
  return CALIBRATION_TEXTS.map((t) => encode(t, { bos: true }).slice(0, maxLen));
}
