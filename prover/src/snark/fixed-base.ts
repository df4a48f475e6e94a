import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { buildBn128 } from 'ffjavascript';
import { encodeScalars, mulGeneratorEncoded, type EngineSource, type Group } from './fixed-base-core.ts';

export type { Group } from './fixed-base-core.ts';

/**
 * Batched fixed-base scalar multiplication s_i·g for the generator g of G1 or G2 with
 * ffjavascript's bn128 wasm. A generic scalar multiplication costs ~254 doublings + ~127
 * additions; with a comb table T[j][d] = d·2^(8j)·g (32 byte-windows × 255 digits) a
 * product is at most 32 mixed additions — the scalar's bytes index the table — about 10×
 * less work (fixed-base-core.ts). Output: affine points in little-endian Montgomery form,
 * as snarkjs writes them in .ptau files.
 */

let source: Promise<EngineSource> | undefined;

/** The wasm bytes and generators, taken once from a private single-threaded ffjavascript curve. */
export function engineSource(): Promise<EngineSource> {
  source ??= (async () => {
    const curve = await buildBn128(true);
    return { code: curve.tm.code as Uint8Array, oneAffine: { G1: curve.G1.oneAffine as Uint8Array, G2: curve.G2.oneAffine as Uint8Array } };
  })();
  return source;
}

/** Below this many scalars a worker thread costs more to start than it saves. */
const PARALLEL_MIN = 1 << 14;

/**
 * scalars[i]·g, each scalar in [0, 2^256); a zero scalar gives the point at infinity.
 * Large batches are split over `threads` (default: the available cores, at most 4): this
 * thread computes one part, worker threads (fixed-base-worker.ts) the others.
 */
export async function mulGenerator(group: Group, scalars: readonly bigint[], options: { threads?: number } = {}): Promise<Uint8Array> {
  const bytes = encodeScalars(scalars);
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(availableParallelism(), 4), Math.ceil(scalars.length / (PARALLEL_MIN / 2))));
  const src = await engineSource();
  if (threads === 1 || scalars.length < PARALLEL_MIN) return mulGeneratorEncoded(src, group, bytes);
  const per = Math.ceil(scalars.length / threads);
  const parts: Promise<Uint8Array>[] = [];
  for (let t = 1; t < threads; t++) parts.push(inWorker(src, group, bytes.slice(32 * per * t, 32 * Math.min(scalars.length, per * (t + 1)))));
  const mine = await mulGeneratorEncoded(src, group, bytes.subarray(0, 32 * per));
  const rest = await Promise.all(parts);
  const affine = group === 'G1' ? 64 : 128;
  const out = new Uint8Array(scalars.length * affine);
  out.set(mine, 0);
  rest.forEach((part, k) => out.set(part, per * (k + 1) * affine));
  return out;
}

function inWorker(src: EngineSource, group: Group, scalarBytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixed-base-worker.ts', import.meta.url), { workerData: { src, group, scalarBytes } });
    worker.once('message', (points: Uint8Array) => {
      resolve(points);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new RangeError(`fixed-base worker exited with code ${code}`));
    });
  });
}
