import { buildBn128 } from 'ffjavascript';

/**
 * The BN254 curve of ffjavascript (WebAssembly, with worker threads unless single-threaded).
 * snarkjs builds and caches the same multi-threaded instance in `globalThis.curve_bn128`;
 * its workers keep the process alive until {@link terminateCurve}.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Curve = any;

export async function getCurve(singleThread = false): Promise<Curve> {
  return buildBn128(singleThread);
}

/** Stops ffjavascript's worker threads (snarkjs's cached curve) so the process can exit. */
export async function terminateCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = g.curve_bn128;
  if (curve) await curve.terminate();
}

/**
 * Makes every later snarkjs call in this process run on one single-threaded curve, built
 * now. snarkjs asked for a single-threaded curve builds a fresh one per call (a new
 * WebAssembly instance, ~0.1 s of a ~3.5 s chunk proof), but takes ffjavascript's cached
 * curve (`globalThis.curve_bn128`) when asked for the default one: installing a
 * single-threaded curve there gives reuse without worker threads. Only for a process that
 * never wants snarkjs's multi-threaded curve (the proving pool's workers, prove-worker.ts).
 */
export async function installSingleThreadedCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: unknown };
  if (g.curve_bn128) throw new TypeError('installSingleThreadedCurve: snarkjs already has a cached curve in this process');
  g.curve_bn128 = await buildBn128(true);
}
