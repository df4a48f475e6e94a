/**
 * Arithmetic in the BN254 (alt_bn128, EIP-196/197) scalar field F_r, the field of
 * Groth16 witnesses and R1CS coefficients. Signed integers are embedded as x mod r:
 * a negative v is r + v. The modulus r itself is the protocol's (@zkinfer/verifier), defined
 * once there and re-exported here for the circuit code.
 */
import { R } from '@zkinfer/verifier';

export { R };

/** Largest value treated as non-negative by {@link toSigned}: (r − 1) / 2. */
export const HALF_R = (R - 1n) / 2n;

/** Canonical representative in [0, r). */
export function mod(a: bigint): bigint {
  const m = a % R;
  return m < 0n ? m + R : m;
}

export function add(a: bigint, b: bigint): bigint {
  return mod(a + b);
}

export function sub(a: bigint, b: bigint): bigint {
  return mod(a - b);
}

export function mul(a: bigint, b: bigint): bigint {
  return mod(a * b);
}

export function neg(a: bigint): bigint {
  return mod(-a);
}

/** a^e mod r by square-and-multiply; e ≥ 0. */
export function pow(a: bigint, e: bigint): bigint {
  if (e < 0n) throw new RangeError(`pow: negative exponent ${e}`);
  let result = 1n;
  let base = mod(a);
  while (e > 0n) {
    if (e & 1n) result = (result * base) % R;
    base = (base * base) % R;
    e >>= 1n;
  }
  return result;
}

/** Multiplicative inverse by Fermat (a^(r−2)); throws for 0. */
export function inv(a: bigint): bigint {
  const x = mod(a);
  if (x === 0n) throw new RangeError('inv: zero has no inverse in F_r');
  return pow(x, R - 2n);
}

/** 2^−k mod r for k in 0..256, by powers of (r + 1)/2 = 2^−1: requantization divides by 2^k per value. */
const INV_POW2: bigint[] = [1n];
for (let k = 1; k <= 256; k++) INV_POW2.push((INV_POW2[k - 1] * ((R + 1n) / 2n)) % R);

/** 2^−k in F_r (k an integer in 0..256), from a table instead of a Fermat inversion. */
export function invPow2(k: number): bigint {
  const v = INV_POW2[k];
  if (v === undefined) throw new RangeError(`invPow2: ${k} not an integer in 0..256`);
  return v;
}

/** The signed integer v ∈ (−r/2, r/2] with v ≡ a (mod r). */
export function toSigned(a: bigint): bigint {
  const x = mod(a);
  return x > HALF_R ? x - R : x;
}

/** Field element of a JS number or bigint; numbers must be safe integers. */
export function toField(v: bigint | number): bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`toField: ${v} is not a safe integer`);
    return mod(BigInt(v));
  }
  return mod(v);
}
