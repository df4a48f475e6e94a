/**
 * A positions package records each per-position slot's constraints (PackageInfo.slotCosts), a
 * layers package every stage's (PackageInfo.stageCosts), so `proveBundle` plans from them
 * instead of building every stage's shape again. The recorded
 * costs are what measuring gives; costs that do not fit the circuits make prove refuse, never
 * prove something else (buildChunk checks each stage adds exactly what it declares). Micro LogUp package of test/helpers/logup-package.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proveBundle } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { slotCostsOf, stageCostsOf, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { parseBundle, verifyBundle } from '@zkinfer/verifier';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { compileMicro, LOGUP_DEFAULT, type MicroPackage } from '../../helpers/logup-package.ts';

const T = 4;
let micro: MicroPackage;
let layers: MicroPackage;

beforeAll(async () => {
  micro = await compileMicro(LOGUP_DEFAULT, T);
  layers = await compileMicro(LOGUP_DEFAULT, T, 'layers');
}, 600_000);
afterAll(async () => {
  await shutdownProver();
  micro?.dispose();
  layers?.dispose();
});

/** proveBundle of `p` with its package info's recorded costs replaced. */
const proveRecorded = (p: MicroPackage, costs: Partial<Pick<MicroPackage['pkg']['info'], 'slotCosts' | 'stageCosts'>>) =>
  proveBundle({ pkg: { ...p.pkg, info: { ...p.pkg.info, ...costs } }, q: p.model.q, promptTokens: [84], generated: generateInt(p.model.q, [84], 1), threads: 2 });
const proveWith = (slotCosts: number[]) => proveRecorded(micro, { slotCosts });
const shape = (stages: ReturnType<typeof stagesForLayout>) => stages.map((s) => [s.name, s.constraints, s.inputs, s.outputs]);
const expectValid = (p: MicroPackage, bundle: unknown) => expect(verifyBundle(p.pkg.manifest, parseBundle(bundle))).toEqual({ valid: true });
const UNDERSTATED = /declares \d+ constraints but added|plan to different chunks/;

describe('recorded slot costs', () => {
  it('equal the measured ones, and give the same stages', () => {
    const measured = stagesForLayout('positions', micro.model.q, T, LOGUP_DEFAULT);
    const recorded = micro.pkg.info.slotCosts!;
    expect(recorded).toEqual(slotCostsOf(measured));
    expect(shape(stagesForLayout('positions', micro.model.q, T, LOGUP_DEFAULT, recorded))).toEqual(shape(measured));
    expect(() => stagesForLayout('positions', micro.model.q, T, LOGUP_DEFAULT, recorded.slice(1))).toThrow(/slot costs/);
  });

  it('prove plans from them: the bundle verifies', async () => {
    expectValid(micro, (await proveWith(micro.pkg.info.slotCosts!)).bundle);
  });

  it('understated costs make prove refuse before any proof (each stage checks what it adds)', async () => {
    const low = micro.pkg.info.slotCosts!.map((c) => Math.max(1, c - 50));
    await expect(proveWith(low)).rejects.toThrow(UNDERSTATED);
  });

  it('overstated costs only bound the plan: the same cut proves the same circuits, another cut is refused', async () => {
    // The circuits (and so their keys) depend on the stages a chunk holds, not on the planned counts.
    const high = micro.pkg.info.slotCosts!.map((c) => c + 50);
    const r = await proveWith(high).catch((e: Error) => e);
    if (r instanceof Error) expect(r.message).toMatch(/plan to different chunks/);
    else expectValid(micro, r.bundle);
  });
});

describe('recorded stage costs (layers)', () => {
  const proveLayers = (stageCosts: number[]) => proveRecorded(layers, { stageCosts });

  it('a layers package records the cost of every stage, equal to the measured ones; no slot costs', () => {
    const measured = stagesForLayout('layers', layers.model.q, T, LOGUP_DEFAULT);
    const recorded = layers.pkg.info.stageCosts!;
    expect(recorded).toEqual(stageCostsOf(measured));
    expect(recorded.length).toBe(measured.length);
    expect(layers.pkg.info.slotCosts).toBeUndefined();
    expect(micro.pkg.info.stageCosts).toBeUndefined();
    expect(shape(stagesForLayout('layers', layers.model.q, T, LOGUP_DEFAULT, recorded))).toEqual(shape(measured));
    expect(() => stagesForLayout('layers', layers.model.q, T, LOGUP_DEFAULT, recorded.slice(1))).toThrow(/stage costs for/);
    expect(() => stagesForLayout('layers', layers.model.q, T, LOGUP_DEFAULT, recorded.map((c, i) => (i === 0 ? -1 : c)))).toThrow(/not a count/);
  });

  it('prove plans from them: the bundle verifies', async () => {
    const r = await proveLayers(layers.pkg.info.stageCosts!);
    expectValid(layers, r.bundle);
    // one chunk asked on 2 workers is proven on all cores in this process's pool (poolThreads)
    if (layers.pkg.manifest.chunks.length === 1) expect(r.profile.workers).toEqual([]);
    else expect(r.profile.workers.length).toBe(Math.min(2, layers.pkg.manifest.chunks.length));
  });

  it('understated costs make prove refuse before any proof', async () => {
    const low = layers.pkg.info.stageCosts!.map((c) => Math.max(0, c - 50));
    await expect(proveLayers(low)).rejects.toThrow(UNDERSTATED);
  });
});
