/**
 * A synthetic forward pass following the Stage interface of prover/src/circuit/transformer/stage.ts, small
 * enough for real Groth16 setups in tests (ptau 2^10–2^11): embed (token → int8 vector, linear
 * in the token id, range-checked), `layers` mixing stages (x_i + x_i·x_{i+1} rescaled and
 * saturated, redefining the same tensor "x" like a residual stream), and logits with greedy
 * argmax checked against posTokens on the generated window (as the real last stage does).
 * Embed also outputs "e" (the first embedding column), which only logits reads: the chunks
 * between pass it through packed (prover/src/chunks/boundary.ts), like the real residual rows.
 * Its integer reference is `syntheticGenerate`, computed without the circuit.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { argmaxLowest } from '@zkinfer/prover/circuit/gadgets/max.ts';
import { assertSigned } from '@zkinfer/prover/circuit/gadgets/range.ts';
import { requantize, signedBounds } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import { requantize as requantizeInt } from '@zkinfer/prover/arith/fixed.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import type { PublicWires, Stage, StageContext, TensorSpec, TensorWires } from '@zkinfer/prover/circuit/transformer/stage.ts';
import { positionMasks } from '@zkinfer/prover/circuit/transformer/statement.ts';

export interface SyntheticModel {
  modelId: string;
  ctx: number;
  vocab: number;
  d: number;
  layers: number;
  /** Per-variant weights: a different variant is a different model. */
  embedW: number[];
  embedB: number[];
  mixM: number[];
  out: number[][];
  /** Weight of the passed-through embedding column e in each logit. */
  outE: number[];
  /** Stand-in for the QuantModel the real stages read (the synthetic stages do not). */
  q: QuantModel;
}

const BITS = 8;
const SHIFT = 4;

export function syntheticModel(opts: { ctx: number; layers: number; variant?: number }): SyntheticModel {
  const v = opts.variant ?? 0;
  const d = 3;
  const vocab = 6;
  const modelId = bytesToHex(sha256(utf8ToBytes(`zkinfer synthetic pipeline model\nctx=${opts.ctx}\nlayers=${opts.layers}\nvariant=${v}`)));
  return {
    modelId,
    ctx: opts.ctx,
    vocab,
    d,
    layers: opts.layers,
    embedW: [7 + v, -5, 3],
    embedB: [-20, 11, 2 - v],
    mixM: Array.from({ length: opts.layers }, (_, l) => 9 + 2 * l + v),
    out: Array.from({ length: vocab }, (_, k) => [((k * 5 + v) % 7) - 3, ((k * 3 + 1) % 5) - 2, ((k * 2 + 2) % 3) - 1]),
    outE: Array.from({ length: vocab }, (_, k) => (k % 3) - 1),
    q: { config: { name: 'synthetic' } } as unknown as QuantModel,
  };
}

const xSpec = (m: SyntheticModel): TensorSpec => ({ name: 'x', rows: m.ctx, cols: m.d, bits: BITS });
const eSpec = (m: SyntheticModel): TensorSpec => ({ name: 'e', rows: m.ctx, cols: 1, bits: BITS });

/** Integer reference: embed, mix layers, logits, at every position. */
function embedInt(m: SyntheticModel, token: number): number[] {
  return m.embedW.map((w, i) => token * w + m.embedB[i]);
}
function mixInt(m: SyntheticModel, l: number, x: number[]): number[] {
  return x.map((xi, i) => requantizeInt(xi * 16 + xi * x[(i + 1) % m.d], m.mixM[l], SHIFT, BITS));
}
function logitsInt(m: SyntheticModel, x: number[], e: number): number[] {
  return m.out.map((row, k) => row.reduce((a, w, i) => a + w * x[i], 0) + m.outE[k] * e);
}

/** Greedy generation with the integer reference (the values the circuit must reproduce). */
export function syntheticGenerate(m: SyntheticModel, prompt: readonly number[], n: number): number[] {
  const seq = [...prompt];
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let x = embedInt(m, seq[seq.length - 1]);
    const e = x[0];
    for (let l = 0; l < m.layers; l++) x = mixInt(m, l, x);
    const logits = logitsInt(m, x, e);
    let best = 0;
    for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
    out.push(best);
    seq.push(best);
  }
  return out;
}

function embedStage(m: SyntheticModel): Omit<Stage, 'constraints'> {
  return {
    name: 'embed',
    inputs: [],
    outputs: [xSpec(m), eSpec(m)],
    build(ctx) {
      const tokens = ctx.tokens();
      // Clamp-free by construction for tokens < vocab; the range check makes larger ids unprovable.
      const x = tokens.map((tok) =>
        m.embedW.map((w, i) => {
          const v = tok.scale(w).add(m.embedB[i]);
          assertSigned(ctx.cs, v, BITS);
          return v;
        }),
      );
      return { x, e: x.map((row) => [row[0]]) };
    },
  };
}

function mixStage(m: SyntheticModel, l: number): Omit<Stage, 'constraints'> {
  return {
    name: `mix${l}`,
    inputs: [xSpec(m)],
    outputs: [xSpec(m)],
    build(ctx, inputs) {
      const { cs } = ctx;
      const bounds = signedBounds(BITS);
      const x = inputs.x.map((row) =>
        row.map((xi, i) => {
          const prod = cs.mul(xi, row[(i + 1) % m.d], 'xx');
          const acc = xi.scale(16).add(prod);
          return requantize(cs, acc, { min: bounds.min * 16n - 128n * 128n, max: bounds.max * 16n + 128n * 128n }, m.mixM[l], SHIFT, BITS).y;
        }),
      );
      return { x };
    },
  };
}

function logitsStage(m: SyntheticModel): Omit<Stage, 'constraints'> {
  return {
    name: 'logits',
    inputs: [xSpec(m), eSpec(m)],
    outputs: [],
    build(ctx, inputs) {
      const { cs } = ctx;
      const { isGenerated } = ctx.masks();
      inputs.x.forEach((row, t) => {
        if (t + 1 >= ctx.T) return;
        const logits = m.out.map((w, k) => LinearCombination.dot([...row, inputs.e[t][0]], [...w, m.outE[k]]));
        const { index } = argmaxLowest(cs, logits, 13);
        // Greedy decoding on the generated window: token[t+1] = argmax(logits[t]).
        cs.assertR1(isGenerated[t + 1], index.sub(ctx.pub.posTokens[t + 1]), LinearCombination.constant(0), `greedy${t}`);
      });
      return {};
    },
  };
}

/** Counts a stage's constraints by building it once in shape mode (with its own masks/tokens). */
function measured(m: SyntheticModel, s: Omit<Stage, 'constraints'>): Stage {
  const cs = new ConstraintSystem({ witness: false });
  const pubNames = ['modelTag', 'chunkIndex', 'inCommitment', 'outCommitment', 'promptCommitment', 'nPrompt', 'nGenerated'];
  const w = pubNames.map((n) => cs.publicInput(n));
  const posTokens = Array.from({ length: m.ctx }, (_, t) => cs.publicInput(`pos${t}`));
  const pub: PublicWires = { modelTag: w[0], chunkIndex: w[1], inCommitment: w[2], outCommitment: w[3], promptCommitment: w[4], nPrompt: w[5], nGenerated: w[6], posTokens };
  const tokens = posTokens.map((_, t) => cs.privateInput(`tok${t}`));
  const masks = positionMasks(cs, pub, m.ctx); // the chunk builds these outside the stage
  const inputs: Record<string, TensorWires> = {};
  for (const spec of s.inputs) inputs[spec.name] = Array.from({ length: spec.rows }, () => Array.from({ length: spec.cols }, () => cs.privateInput(spec.name)));
  const ctx: StageContext = { cs, q: m.q, T: m.ctx, chunkIndex: 0, pub, tokens: () => tokens, masks: () => masks, position: () => {
    throw new TypeError('no position one-hot outside position chunks');
  } };
  const before = cs.nConstraints;
  s.build(ctx, inputs);
  return { ...s, constraints: cs.nConstraints - before };
}

export function syntheticStages(m: SyntheticModel): Stage[] {
  return [embedStage(m), ...Array.from({ length: m.layers }, (_, l) => mixStage(m, l)), logitsStage(m)].map((s) => measured(m, s));
}
