/**
 * Constraints per position of a QuantModel's transformer stages (circuit/transformer/stages.ts,
 * the circuits' real counts, shape mode), exact or sampled:
 * - exactCost: every stage of forwardStages(q, T) built (what bench/transformer-costs.ts sums);
 *   about 100 s for stories260K at T = 32.
 * - sampledCost: per layer only the stages of the middle positions ⌊(T−1)/2⌋ and ⌈(T−1)/2⌉, and
 *   the embedding and logits of one position, scaled to T positions. Exact for the position-
 *   independent stages (qkv, FFN, embedding, logits up to the greedy check's last-position
 *   extra); attention grows with the visible keys, about linearly, so the mean over 0..T−1 is
 *   its value at (T−1)/2. ~25× faster: what the precision search (bench/quant-search.ts) uses.
 */
import { forwardStages, measureStage } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { PLAIN_RANGES, type RangeBackend } from '@zkinfer/prover/circuit/range-backend.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';

// `ranges`: the range backend the stages are built with (plain by default). A LogUp stage's
// count leaves out the tables a circuit holds once (measureStage), as the planner counts it.
export function exactCost(q: QuantModel, T: number, ranges: RangeBackend = PLAIN_RANGES): number {
  let total = 0;
  for (const s of forwardStages(q, T)) total += measureStage(q, T, s, ranges);
  return total / T;
}

export function sampledCost(q: QuantModel, T: number, ranges: RangeBackend = PLAIN_RANGES): number {
  const stages = new Map(forwardStages(q, T).map((s) => [s.name, s]));
  const count = (name: string): number => {
    const s = stages.get(name);
    if (!s) throw new RangeError(`sampledCost: no stage ${name} (the stages are one position each)`);
    return measureStage(q, T, s, ranges);
  };
  const lo = Math.floor((T - 1) / 2);
  const hi = Math.ceil((T - 1) / 2);
  let perPosition = count(`embed@${lo}`) + ((T - 1) / T) * count(`logits@${lo}`);
  for (let l = 0; l < q.layers.length; l++) {
    perPosition += count(`L${l}.qkv@${lo}`) + count(`L${l}.ffn@${lo}`) + (count(`L${l}.attn@${lo}`) + count(`L${l}.attn@${hi}`)) / 2;
  }
  return perPosition;
}
