import { inv, mod, mul, pow, R } from '../circuit/field.ts';

/**
 * The scalars of a prepared powers-of-tau file (snarkjs ptau layout, see ptau-layout.ts),
 * computed in F_r from the secrets: powers τ^i and the Lagrange basis L_i(τ) of each
 * power-of-two domain. Multiplying the group generators by them gives exactly the points
 * snarkjs `powersoftau prepare phase2` computes with group FFTs, at a fraction of the cost.
 */

/** 2-adicity of r − 1: F_r has roots of unity of order 2^28 (EIP-197 curve, snarkjs Fr.s). */
export const TWO_ADICITY = 28;

/** A primitive 2^28-th root of unity: 5^((r−1)/2^28), 5 being the generator ffjavascript uses. */
const ROOT_2_28 = pow(5n, (R - 1n) >> BigInt(TWO_ADICITY));

/** The primitive 2^bits-th root of unity ffjavascript uses (Fr.w[bits]). */
export function rootOfUnity(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > TWO_ADICITY) throw new RangeError(`rootOfUnity: bits ${bits} not in [0, ${TWO_ADICITY}]`);
  return pow(ROOT_2_28, 1n << BigInt(TWO_ADICITY - bits));
}

/** [first·x^0, first·x^1, …, first·x^(n−1)]. */
export function geometric(first: bigint, x: bigint, n: number): bigint[] {
  const out = new Array<bigint>(n);
  let acc = mod(first);
  for (let i = 0; i < n; i++) {
    out[i] = acc;
    acc = (acc * x) % R;
  }
  return out;
}

/** Inverses of non-zero elements with one field inversion (Montgomery's trick). */
export function batchInverse(xs: readonly bigint[]): bigint[] {
  const n = xs.length;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    if (xs[i] === 0n) throw new RangeError(`batchInverse: element ${i} is zero`);
    prefix[i] = acc;
    acc = (acc * xs[i]) % R;
  }
  let invAcc = inv(acc);
  const out = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (invAcc * prefix[i]) % R;
    invAcc = (invAcc * xs[i]) % R;
  }
  return out;
}

/**
 * L_i(τ) for the domain {ω^i} of size m = 2^bits, in ffjavascript's `lagrangeEvaluations`
 * order: L_i(τ) = ω^i·(τ^m − 1) / (m·(τ − ω^i)), i.e. Σ_j L_i(τ)·f(ω^i) = f(τ) for deg f < m.
 *
 * With `dropTopPower`, the sequence interpolated is τ^0 … τ^(m−2), 0 (snarkjs prepares the
 * level 2^(power+1) of tauG1 from only 2^(power+1) − 1 powers): each value loses the
 * τ^(m−1) term, (1/m)·ω^i·τ^(m−1). Setup reads that level only for the quotient points,
 * where the τ^(m−1) coefficient is zero anyway; we reproduce it exactly.
 */
export function lagrangeAtTau(tau: bigint, bits: number, dropTopPower = false): bigint[] {
  const m = 2 ** bits;
  const omega = rootOfUnity(bits);
  const omegas = geometric(1n, omega, m);
  const mInv = inv(BigInt(m));
  const tauM = pow(tau, BigInt(m));
  const num = mul(tauM - 1n, mInv);
  const dens = batchInverse(omegas.map((w) => mod(tau - w)));
  const top = dropTopPower ? mul(pow(tau, BigInt(m - 1)), mInv) : 0n;
  return omegas.map((w, i) => mod(w * ((num * dens[i] - top) % R)));
}
