/**
 * The initial key's A, B1, B2 and C/IC points straight from their scalars, for a ptau whose
 * secrets are known (the local insecure one, ptau-secrets.ts). With ℓ_i = L_i(τ) the Lagrange
 * basis of the domain of N rows at τ, the sparse sums of zkey-new.ts are the points
 *   A_j = (Σ_i a_ij ℓ_i)·G1,  B1_j = (Σ_i b_ij ℓ_i)·G1,  B2_j = (Σ_i b_ij ℓ_i)·G2,
 *   C_j = (β·Σ_i a_ij ℓ_i + α·Σ_i b_ij ℓ_i + Σ_i c_ij ℓ_i)·G1,
 * A including snarkjs's public rows (a = 1 in row nConstraints + s for public wire s), so the
 * same bytes (an affine point has one encoding): the scalars are field sums (one BigInt
 * product per term) and each point one fixed-base comb multiplication on the native engine,
 * instead of a sum of ptau points per term with full-width coefficients costing hundreds of
 * curve operations each. The key check (zkey-check.ts) still tests every point against the
 * ptau's own points, independently of this.
 */
import { R } from '../circuit/field.ts';
import { encodeScalars } from './fixed-base-core.ts';
import type { PtauSecrets } from './ptau-secrets.ts';
import { lagrangeAtTau } from './ptau-scalars.ts';
import type { R1csTerms } from './r1cs-terms.ts';
import type { SetupPool } from './setup-engine.ts';
import type { Groth16Key } from './zkey-file.ts';

type Points = { lem: Uint8Array; u: Uint8Array };

/**
 * The scalars of a key's L and H points before δ (L_j = l_j·G1, H_i = h_i·G1), for keys made
 * here from the secrets: the contribution then writes L/δ and H/δ as (l_j/δ)·G1 and (h_i/δ)·G1
 * by the comb too, instead of a scalar multiplication of each point (zkey-contribute.ts).
 */
const scalarsOf = new WeakMap<Groth16Key, { l: bigint[]; h: bigint[] }>();

/** Remembers the pre-δ scalars of `key`'s L (wires after IC) and H points. */
export function rememberScalars(key: Groth16Key, l: bigint[], h: bigint[]): void {
  scalarsOf.set(key, { l, h });
}

/**
 * L and H times `inv` (the inverse of the contributions' product) from the remembered scalars,
 * once (then forgotten), or undefined when `key` has none or the pool no comb.
 */
export async function scaleFromScalars(key: Groth16Key, pool: SetupPool, inv: bigint, g1: Uint8Array): Promise<{ l: Uint8Array; h: Uint8Array } | undefined> {
  const s = scalarsOf.get(key);
  if (!s || !pool.comb) return undefined;
  const times = (xs: bigint[]) => encodeScalars(xs.map((x) => (x * inv) % R));
  const l = await pool.comb('G1', g1, times(s.l));
  const h = await pool.comb('G1', g1, times(s.h));
  scalarsOf.delete(key); // the scalars are before δ: a later scaling must scale these points
  return { l: l.lem, h: h.lem };
}

/**
 * The H points' scalars: the odd entries of the Lagrange basis of the domain of 2N rows at τ
 * (ptau section 12's level 2N; for N the ptau's own power, its extra level, which interpolates
 * τ^0 … τ^(2N−2), 0: ptau-local.ts, lagrangeAtTau).
 */
export function hScalars(tau: bigint, power: number, ptauPower: number): bigint[] {
  const level = lagrangeAtTau(tau, power + 1, power === ptauPower);
  return Array.from({ length: 2 ** power }, (_, i) => level[2 * i + 1]);
}

/** The four point sets of the initial key from the secrets, and C's scalars; `generators`: affine LEM G1 and G2. */
export async function directPoints(r: R1csTerms, power: number, secrets: PtauSecrets, pool: Required<Pick<SetupPool, 'comb'>>, generators: { g1: Uint8Array; g2: Uint8Array }): Promise<{ a: Points; b1: Points; b2: Points; c: Points; cScalars: bigint[] }> {
  const l = lagrangeAtTau(secrets.tau, power);
  const n = r.nVars;
  const sa = new Array<bigint>(n).fill(0n);
  const sb = new Array<bigint>(n).fill(0n);
  const sc = new Array<bigint>(n).fill(0n);
  const sums = [sa, sb, sc];
  const values = r.coefs.values;
  for (let t = 0; t < r.matrix.length; t++) {
    const s = sums[r.matrix[t]];
    s[r.wire[t]] += l[r.row[t]] * values[r.coef[t]];
  }
  for (let s = 0; s <= r.nPublic; s++) sa[s] += l[r.nConstraints + s];
  for (let j = 0; j < n; j++) {
    sa[j] %= R;
    sb[j] %= R;
    sc[j] = (secrets.beta * sa[j] + secrets.alpha * sb[j] + sc[j]) % R;
  }
  const bScalars = encodeScalars(sb);
  const [a, b1, b2, c] = [await pool.comb('G1', generators.g1, encodeScalars(sa)), await pool.comb('G1', generators.g1, bScalars), await pool.comb('G2', generators.g2, bScalars), await pool.comb('G1', generators.g1, encodeScalars(sc))];
  return { a, b1, b2, c, cScalars: sc };
}
