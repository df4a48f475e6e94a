/**
 * The witness-only path (issue 15 item 4, docs/decisions.md 25): a lean system's wires carry
 * values and their linear combinations defer their terms (lc.ts), so a chunk built only for
 * its witness builds no term arrays unless a gadget reads them. Its witness must equal the
 * recording build's wire for wire and satisfy the recorded rows, for plain and LogUp circuits
 * (the challenge asked mid-witness, ADR 22), on the micro transformer, the bundled model and,
 * when the shared models are present, stories260K.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { promptCommitment } from '@zkinfer/prover/commit/commit.ts';
import { planStages, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { boundaryCommitment, type TensorValues } from '@zkinfer/prover/chunks/boundary.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { mod } from '@zkinfer/prover/circuit/field.ts';
import { PLAIN_RANGES, type RangeBackend, rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from '../model/helpers/synthetic.ts';
import { DEFAULT_MODEL, existsSync, quantized, STORIES, truncated } from '../transformer/helpers.ts';

// LogUp's blinding wire ρ (and the boundary salts) come from randomSalt: fixed here so that the two
// builds commit to the same values and so get the same challenge and inverses.
vi.mock('@zkinfer/prover/commit/commit.ts', async (original) => ({ ...(await original<typeof import('@zkinfer/prover/commit/commit.ts')>()), randomSalt: () => 0x5eedn }));

const LOGUP: RangeBackend = { kind: 'logup', limbBits: 8 };
const oracle: ChallengeOracle = (committed, publics) => {
  const h = createHash('sha256');
  for (const v of [...committed, -1n, ...publics]) h.update(`${v.toString(16)},`);
  return mod(BigInt(`0x${h.digest('hex')}`));
};

/** Builds the first `nChunks` chunks of one pass in recording and lean mode and compares them. */
function expectSameWitness(q: QuantModel, T: number, ranges: RangeBackend, power: number, nChunks = Infinity): void {
  const stages = stagesForLayout('positions', q, T, ranges);
  const plans = planStages(stages, { ctx: T, power, ...rangePlanOptions(ranges) });
  const prompt = [1, 2];
  const generated = generateInt(q, prompt, T - prompt.length);
  const salt = 91n;
  const statement = { promptCommitment: promptCommitment(prompt, T, salt), nPrompt: prompt.length, nGenerated: generated.length, generated };
  const proof = freshProofWitness(statement, prompt, salt, plans.length);
  const args = { modelId: 'cd'.repeat(32), ctx: T, q, stages, plans, proof, ranges, oracle };
  const recording = chunkWitnesses(args);
  const lean = chunkWitnesses({ ...args, lean: true });
  for (let i = 0; i < Math.min(nChunks, plans.length); i++) {
    const r = recording.next().value!;
    const l = lean.next().value!;
    expect(l.cs.lean && !r.cs.lean).toBe(true);
    expect(l.cs.nWires, `chunk ${i}`).toBe(r.cs.nWires);
    expect(l.cs.nConstraints, `chunk ${i}`).toBe(r.cs.nConstraints);
    // wire for wire (a first differing wire is named, not buried in a million-element diff)
    const firstDiff = r.cs.values.findIndex((v: bigint, w: number) => l.cs.values[w] !== v);
    expect(firstDiff, `chunk ${i}: first wire whose fast value differs (${r.cs.wireNames[firstDiff]})`).toBe(-1);
    expect(l.cs.values.length).toBe(r.cs.values.length);
    expect(l.publicSignals).toEqual(r.publicSignals);
    expect(l.outCommitment).toBe(r.outCommitment);
    // the commitment (and the digests the next chunk reuses) come from the circuit's values: they equal the off-circuit hash
    const lastChunk = i === plans.length - 1;
    expect(l.outCommitment, `chunk ${i}`).toBe(lastChunk ? 0n : boundaryCommitment(plans[i].outputs, l.outValues!.map((t: TensorValues) => t.map((row) => [...row])), proof.boundarySalts[i + 1]));
    // the fast witness satisfies the recorded rows (chunkWitnesses checked each system on its own already)
    for (let w = 0; w < l.cs.values.length; w++) r.cs.values[w] = l.cs.values[w];
    expect(findUnsatisfied(r.cs), `chunk ${i}`).toBeNull();
    if (ranges.kind === 'logup') expect(l.cs.commitment!.wires).toEqual(r.cs.commitment!.wires);
  }
}

describe('witness-only path equals the recording build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-witness-fast-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // the micro transformer of test/helpers/logup-package.ts (same config and seed), without its keys
  const micro = (): QuantModel => {
    const path = join(dir, 'micro.gguf');
    const config = { ...tinyLlamaConfig, dModel: 8, nLayers: 1, nHeads: 1, nKvHeads: 1, headDim: 8, ffnDim: 8, contextLength: 16 };
    writeFileSync(path, modelGguf(config, randomTensors(config, 7)));
    return quantized(path);
  };
  it('micro transformer, plain and LogUp, T = 4', () => {
    const q = micro();
    expectSameWitness(q, 4, PLAIN_RANGES, 15);
    expectSameWitness(q, 4, LOGUP, 15);
  });

  it.skipIf(!existsSync(DEFAULT_MODEL))('bundled model (1 layer), plain and LogUp, T = 4 (needs prover/models/default)', () => {
    const q = truncated(quantized(DEFAULT_MODEL), 1, { 0: 2 });
    expectSameWitness(q, 4, PLAIN_RANGES, 14);
    expectSameWitness(q, 4, LOGUP, 14);
  });

  it.skipIf(!existsSync(STORIES))('stories260K, plain and LogUp, T = 4, first chunks (needs ../shared/models/stories260K)', () => {
    const q = quantized(STORIES);
    expectSameWitness(q, 4, PLAIN_RANGES, 17, 2);
    expectSameWitness(q, 4, LOGUP, 17, 2);
  });
});
