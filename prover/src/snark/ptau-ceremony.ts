import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { runSnark } from './errors.ts';
import { getCurve } from './curve.ts';
import { sha256File } from './ptau.ts';

/**
 * The slow reference path: a one-party snarkjs ceremony, powersoftau new → contribute
 * (random entropy) → prepare phase2. Just as insecure as writeLocalPtau and much slower
 * (prepare phase2 runs group FFTs over every level: 20 min for 2^16 on the project
 * machine). Kept for small powers, as a fallback and for the speed comparison in
 * bench/prove.ts.
 */
export async function snarkjsCeremonyPtau(path: string, power: number, onProgress: (msg: string) => void = () => {}): Promise<{ path: string; power: number; sha256: string }> {
  if (!Number.isInteger(power) || power < 1 || power > 20) throw new RangeError(`snarkjsCeremonyPtau: power ${power} not in [1, 20]`);
  const curve = await getCurve(false);
  const p0 = `${path}.0.tmp`;
  const p1 = `${path}.1.tmp`;
  try {
    onProgress(`snarkjs powersoftau new bn128 ${power}`);
    await runSnark('snarkjs powersoftau new', (l) => snarkjs.powersOfTau.newAccumulator(curve, power, p0, l));
    onProgress('snarkjs powersoftau contribute');
    await runSnark('snarkjs powersoftau contribute', (l) => snarkjs.powersOfTau.contribute(p0, p1, 'zkinfer local', randomBytes(32).toString('hex'), l));
    onProgress('snarkjs powersoftau prepare phase2');
    await runSnark('snarkjs powersoftau prepare phase2', (l) => snarkjs.powersOfTau.preparePhase2(p1, path, l));
  } finally {
    rmSync(p0, { force: true });
    rmSync(p1, { force: true });
  }
  return { path, power, sha256: await sha256File(path) };
}
