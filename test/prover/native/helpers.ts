import { randomBytes } from 'node:crypto';
import { nativeUnavailableReason } from '@zkinfer/prover/snark/native.ts';

/** Why the native tests cannot run (they then skip with this reason), or undefined. */
export const nativeSkipReason = nativeUnavailableReason();
if (nativeSkipReason) console.warn(`native prover tests skipped: ${nativeSkipReason}`);

/** A uniformly random integer in [0, m) (rejection sampling on 256 random bits). */
export function randomBelow(m: bigint): bigint {
  for (;;) {
    const v = BigInt('0x' + randomBytes(32).toString('hex')) >> (256n - BigInt(m.toString(2).length));
    if (v < m) return v;
  }
}
