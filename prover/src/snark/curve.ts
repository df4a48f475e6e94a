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
