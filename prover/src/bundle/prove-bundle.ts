/**
 * proveBundle: the proving side of the pipeline. Given a compiled package (its stages follow
 * from the package's layout over its model) and a greedy generation (prompt tokens → generated tokens, from the integer
 * inference), builds every chunk's witness in chain order, proves the chunks on a worker
 * pool while later witnesses are built, assembles the proof bundle of docs/proof-format.md
 * and checks it with the strict verifier before returning it. On the native engine the
 * witnesses go to the workers in memory (no .wtns files) unless `wtnsDir` asks for files;
 * snarkjs reads .wtns files, written to a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { allowedChunkCounts, bundleToJson, nPublicForCtx, parseProof, parsePublicSignals, receiptId, verifyBundle, type Bundle, type BundleJson, type Manifest, type Statement } from '@zkinfer/verifier';
import { planStages, stagesForLayout } from '../chunks/position.ts';
import type { Stage } from '../circuit/transformer/stage.ts';
import { chunkWitnesses, freshProofWitness } from '../chunks/witness.ts';
import { writeWtns } from '../circuit/wtns-writer.ts';
import { witnessBytes } from '../snark/native.ts';
import { nativeChallengeOracle } from '../snark/commitment-native.ts';
import type { ChallengeOracle } from '../circuit/commitment-spec.ts';
import { PLAIN_RANGES, rangeBackendName, rangePlanOptions } from '../circuit/range-backend.ts';
import type { ProverEngine, WitnessInput } from '../snark/engine.ts';
import { circuitCodeFingerprint } from '../package/code-fingerprint.ts';
import { staleCircuitsReason, type LoadedPackage } from '../package/layout.ts';
import type { QuantModel } from '../quant/types.ts';
import { promptCommitment, randomSalt } from '../commit/commit.ts';
import type { Opening } from './opening.ts';
import { createProvePool, type PoolProofResult } from './prove-pool.ts';
import { formatTimeLeft, timeLeft } from './time-left.ts';
import { epochMs, selfCpuMs, type ChunkTiming, type PipelineProfile } from './pipeline-profile.ts';
import { ZkinferError } from '../errors.ts';

export interface ProveBundleArgs {
  pkg: LoadedPackage;
  q: QuantModel;
  /**
   * The model's stages. Default: the package's layout over `q`, as compile built them; only a
   * package compiled from stages no layout builds (the synthetic test models) passes its own.
   */
  stages?: readonly Stage[];
  promptTokens: readonly number[];
  generated: readonly number[];
  /** Worker processes proving concurrently (a single-threaded prover each); 0 = sequential, one multi-threaded prover. */
  threads: number;
  /**
   * Write every chunk's witness as `chunk-<i>.wtns` into this directory and prove from the
   * files (kept afterwards). Default: in memory on the native engine; a temporary directory
   * inside the package, removed afterwards, on snarkjs.
   */
  wtnsDir?: string;
  /**
   * 'read' (default): with position chunks, prove only the positions the statement reads
   * (nPrompt + nGenerated − 1 of the ctx; docs/proof-format.md "Position prefixes"); 'all': every
   * chunk, a bundle the Solidity verifier also takes. Packages without position chunks prove all.
   */
  positions?: 'read' | 'all';
  /** The prover engine (default: snark/engine.ts chosenEngine, from ZKINFER_PROVER and the native build). */
  engine?: ProverEngine;
  onProgress?: (msg: string) => void;
}

export interface ProveBundleResult {
  bundle: BundleJson;
  opening: Omit<Opening, 'prompt'>;
  receiptId: string;
  /** Wall time from the start until the last witness was built (it overlaps the proofs). */
  witnessMs: number;
  /** This process's CPU time spent building witnesses (and their bytes or .wtns files). */
  witnessCpuMs: number;
  /** Σ over chunks of the worker's time on the proof (from job to reply). */
  workerProveMs: number;
  proveMs: number;
  /** Every phase's timestamps and CPU (pipeline-profile.ts summarizeProfile sums them up). */
  profile: PipelineProfile;
}

/** How many chunks proveBundle proves for a statement of these lengths (ProveBundleArgs.positions). */
export function chunksToProve(manifest: Manifest, counts: { nPrompt: number; nGenerated: number }, positions: 'read' | 'all' = 'read'): number {
  return positions === 'all' ? manifest.chunks.length : allowedChunkCounts(manifest, counts).min;
}

export async function proveBundle(args: ProveBundleArgs): Promise<ProveBundleResult> {
  const progress = args.onProgress ?? (() => {});
  const { manifest, info } = args.pkg;
  const ctx = manifest.ctx;
  const ranges = info.ranges ?? PLAIN_RANGES;
  // The staleness check below runs first: recorded slot costs stand for this circuit code only.
  const stale = staleCircuitsReason(info, circuitCodeFingerprint());
  if (stale) throw new ZkinferError('stale_package', `${args.pkg.dir}: ${stale}, so its proving keys may not fit the circuits this zkinfer builds; recompile it (zkinfer compile)`);
  const layout = info.layout ?? 'layers';
  const stages = args.stages ?? stagesForLayout(layout, args.q, ctx, ranges, layout === 'positions' ? info.slotCosts : info.stageCosts);
  const plans = planStages(stages, { ctx, power: info.chunkPower, ...rangePlanOptions(ranges) });
  if (plans.length !== info.chunks.length || plans.some((p, i) => p.stages.map((s) => stages[s].name).join('\n') !== info.chunks[i].stages.join('\n'))) {
    throw new ZkinferError('stale_package', `${args.pkg.dir}: the model's stages plan to different chunks than the package was compiled with; recompile`);
  }
  const salt = randomSalt();
  const statement: Statement = {
    promptCommitment: promptCommitment(args.promptTokens, ctx, salt),
    nPrompt: args.promptTokens.length,
    nGenerated: args.generated.length,
    generated: [...args.generated],
  };
  const count = chunksToProve(manifest, statement, args.positions);
  const witness = freshProofWitness(statement, args.promptTokens, salt, plans.length);
  // LogUp circuits: each chunk's challenge comes from its key's commitment (D under the key's
  // P_j, hashed with the chunk's other publics once outCommitment is set: chunks/build.ts).
  const oracleFor = ranges.kind === 'plain' ? undefined : keyOracles(args.pkg);
  const startAt = epochMs();
  // Depth 2: each worker holds its next job while it proves (prove-pool.ts ProvePoolOptions).
  const workers = poolThreads(args.threads, count);
  const pool = createProvePool(workers, args.engine, { depth: 2 });
  if (oracleFor && pool.engine !== 'native') {
    await pool.close();
    throw new ZkinferError('bad_option', `${args.pkg.dir}: ${rangeBackendName(ranges)} circuits carry a BSB22 commitment, which only the native prover computes (ZKINFER_PROVER=snarkjs or no native build)`);
  }
  const inMemory = args.wtnsDir === undefined && pool.engine === 'native';
  const work = args.wtnsDir ?? (inMemory ? undefined : mkdtempSync(join(args.pkg.dir, 'prove-')));
  const t0 = performance.now();
  const eta = timeLeft(plans.slice(0, count).map((p) => p.constraints), t0);
  let witnessMs = 0;
  let witnessCpuMs = 0;
  const proofs: Promise<PoolProofResult>[] = [];
  const expected: string[][] = [];
  const timings: ChunkTiming[] = [];
  try {
    let cpu0 = selfCpuMs();
    let wall0 = epochMs();
    for (const built of chunkWitnesses({ modelId: manifest.modelId, ctx, q: args.q, stages, plans, proof: witness, lean: true, ranges, oracleFor, count })) {
      const cpu1 = selfCpuMs();
      let input: WitnessInput;
      if (work === undefined) input = witnessBytes(built.cs.values);
      else writeWtns(built.cs, (input = join(work, `chunk-${built.index}.wtns`)));
      const cpu2 = selfCpuMs();
      witnessMs = performance.now() - t0;
      witnessCpuMs += cpu2 - cpu0;
      const timing: ChunkTiming = { index: built.index, constraints: built.cs.nConstraints, witnessStartAt: wall0, witnessEndAt: epochMs(), witnessCpuMs: cpu1 - cpu0, serializeCpuMs: cpu2 - cpu1, queuedAt: epochMs() };
      timings.push(timing);
      expected.push(built.publicSignals!.map((s) => s.toString()));
      progress(`chunk ${built.index + 1}/${count}: witness ready (${built.cs.nConstraints} constraints), proving`);
      const i = built.index;
      // The last `workers` jobs wait for a worker with nothing to do rather than queue behind a proof.
      const ahead = i < count - workers;
      const p = pool.prove(`${args.pkg.dir}/${info.chunks[i].zkey}`, input, built.cs.nConstraints, { ahead });
      p.then((r) => {
        timing.proof = r.timing;
        const left = formatTimeLeft(eta.proved(i));
        progress(`chunk ${i + 1}/${count}: proved${left ? ` (${left})` : ''}`);
      }, () => {});
      proofs.push(p);
      // Let finished workers take a waiting proof and the jobs sent reach their workers before
      // the next witness (the witnesses are built synchronously, blocking this event loop).
      await new Promise<void>((resolve) => setImmediate(resolve));
      await pool.flushed();
      cpu0 = selfCpuMs();
      wall0 = epochMs();
    }
    const results = await Promise.all(proofs);
    const proveMs = performance.now() - t0;
    const verifyStartAt = epochMs();
    const nLayout = nPublicForCtx(ctx);
    const chunks = results.map((r, i) => {
      // A LogUp chunk's prover also outputs the challenge, last: the bundle leaves it out (the
      // verifier computes it, verifyBundle below included).
      const n = oracleFor ? nLayout + 1 : nLayout;
      if (r.publicSignals.length !== n || r.publicSignals.slice(0, nLayout).join(',') !== expected[i].join(',')) throw new RangeError(`chunk ${i}: the prover's public signals differ from the statement's`);
      const { pi_a, pi_b, pi_c, commitment, commitmentPok } = r.proof;
      const proof = parseProof({ pi_a, pi_b, pi_c, protocol: 'groth16', curve: 'bn128', ...(commitment ? { commitment, commitmentPok } : {}) }, `chunks[${i}].proof`);
      return { proof, publicSignals: parsePublicSignals(r.publicSignals.slice(0, nLayout), nLayout, `chunks[${i}].publicSignals`) };
    });
    const parsed: Bundle = { version: 1, modelId: manifest.modelId, ctx, statement: { ...statement, generated: [...args.generated] }, chunks };
    const verdict = verifyBundle(manifest, parsed);
    if (!verdict.valid) throw new RangeError(`the assembled bundle does not verify: ${verdict.reason}`);
    const opening = { version: 1 as const, modelId: manifest.modelId, promptCommitment: statement.promptCommitment.toString(), salt: salt.toString(), promptTokens: [...args.promptTokens] };
    const workerProveMs = results.reduce((n, r) => n + (r.timing.doneAt - r.timing.startedAt), 0);
    results.forEach((r, i) => (timings[i].proof = r.timing));
    const profile: PipelineProfile = { startAt, endAt: epochMs(), workers: pool.workerTimings(), chunks: timings, verifyStartAt };
    return { bundle: bundleToJson(parsed), opening, receiptId: receiptId(manifest.modelId, parsed), witnessMs, witnessCpuMs, workerProveMs, proveMs, profile };
  } finally {
    await pool.close();
    if (work !== undefined && args.wtnsDir === undefined) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Chunk i's challenge oracle: D under its proving key's commitment, computed by the native
 * prover (commitment-native.ts; the TypeScript D of commitment-prove.ts took ≈ 1.7 CPU s a
 * stories260K chunk, docs/decisions.md 27), with the manifest's vkeyHash; one per distinct key.
 */
function keyOracles(pkg: LoadedPackage): (index: number) => ChallengeOracle {
  const byKey = new Map<string, ChallengeOracle>();
  return (i) => {
    const zkeyPath = join(pkg.dir, pkg.info.chunks[i].zkey);
    let oracle = byKey.get(zkeyPath);
    if (!oracle) {
      // The manifest's verification key says whether the key commits (no key sections read here);
      // the native command refuses a proving key without a commitment all the same.
      if (pkg.manifest.chunks[i].vkey.commitment === undefined) throw new ZkinferError('bad_package', `${zkeyPath}: the package's circuits use LogUp but this key has no commitment; recompile`);
      byKey.set(zkeyPath, (oracle = nativeChallengeOracle(zkeyPath, pkg.manifest.chunks[i].vkeyHash)));
    }
    return oracle;
  };
}

/**
 * Workers for `count` chunk proofs when `threads` were asked for: no more workers than chunks,
 * and a single chunk (a small model's layer-major package) on all cores, one multi-threaded
 * proof (0, createProvePool's sequential mode) instead of one single-threaded worker beside
 * idle ones. `threads` of 0 or 1 are kept as asked (all cores one at a time, or one core).
 */
export function poolThreads(threads: number, count: number): number {
  if (threads <= 1) return threads;
  if (count <= 1) return 0;
  return Math.min(threads, count);
}
