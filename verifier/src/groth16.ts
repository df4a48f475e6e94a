import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { bn254 } from '@noble/curves/bn254.js';
import { commitmentChallenge, withoutChallenge } from './commitment.ts';
import { VerifyInputError } from './errors.ts';
import { R } from './fields.ts';
import type { Groth16Proof, VerificationKey } from './groth16-json.ts';
import { finalExponentiate } from './final-exp.ts';
import { g2Lines } from './g2-lines.ts';
import { millerLoop } from './miller-loop.ts';
import type { G1Point, G2Point } from './points.ts';
import { vkeyHash } from './manifest.ts';
import { signalSum } from './public-input.ts';

/**
 * Groth16 verification over BN254 (Groth 2016, eprint 2016/260, §3.2), with the
 * pairing of EIP-197 as implemented by @noble/curves. A proof (A, B, C) for public
 * signals s is valid under key (α, β, γ, δ, IC) iff
 *
 *     e(A, B) = e(α, β) · e(L, γ) · e(C, δ),   L = IC[0] + Σ s_i·IC[i+1],
 *
 * checked as  FE( ML(A, B) · ML(L, −γ) · ML(C, −δ) ) = e(α, β)  with ML the Miller loop and
 * FE the final exponentiation; e(α, β) and the line coefficients of −β, −γ and −δ depend on
 * the key only and are computed once in prepareVerificationKey. The Miller loop (miller-loop.ts),
 * FE (final-exp.ts) and G2 lines (g2-lines.ts) are noble's algorithms on lazily reduced bigints.
 */

type Fp12 = ReturnType<typeof bn254.pairing>;
type LinePrecompute = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;
type MillerPair = [LinePrecompute, bigint, bigint];

const Fp12 = bn254.fields.Fp12;

export interface PreparedVerificationKey {
  vk: VerificationKey;
  /** e(α, β) in GT. */
  alphaBeta: Fp12;
  /** Miller-loop line coefficients of −γ, −δ and (for batches) −β. */
  negGammaLines: LinePrecompute;
  negDeltaLines: LinePrecompute;
  negBetaLines: LinePrecompute;
  /** For a key with a BSB22 commitment: its vkeyHash (the challenge binds it) and the lines of σ₂ and −g₂. */
  commitment?: { keyHash: string; sigmaLines: LinePrecompute; negG2Lines: LinePrecompute };
}

/** Precomputes the key-only parts of verification. Does not judge key safety (see checkKeySafety). */
export function prepareVerificationKey(vk: VerificationKey): PreparedVerificationKey {
  return prepareVerificationKeys([vk])[0];
}

/**
 * prepareVerificationKey for many keys, computing each distinct G2 point's lines and each
 * distinct e(α, β) once: snarkjs keys made from one ptau share α, β and γ = g2, so a manifest of
 * n chunk keys needs n + 2 line tables and one pairing instead of 3n and n.
 */
export function prepareVerificationKeys(vks: readonly VerificationKey[]): PreparedVerificationKey[] {
  const lines = new Map<string, LinePrecompute>();
  const pairings = new Map<string, Fp12>();
  const key = (p: G1Point | G2Point) => JSON.stringify(p.toAffine(), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  const negLines = (q: G2Point) => {
    const k = key(q);
    let l = lines.get(k);
    if (!l) lines.set(k, (l = linesOf(q.negate())));
    return l;
  };
  return vks.map((vk) => {
    const negBetaLines = negLines(vk.beta);
    const k = `${key(vk.alpha)}|${key(vk.beta)}`;
    let alphaBeta = pairings.get(k);
    if (!alphaBeta) {
      // e(α, β) = e(−α, −β): reuses the lines of −β.
      const pairs: MillerPair[] = [];
      pushPair(pairs, negBetaLines, vk.alpha.negate());
      pairings.set(k, (alphaBeta = finalExponentiate(millerLoop(pairs))));
    }
    const prepared: PreparedVerificationKey = { vk, alphaBeta, negGammaLines: negLines(vk.gamma), negDeltaLines: negLines(vk.delta), negBetaLines };
    if (vk.commitment) {
      // Lines of −(−σ₂) = σ₂: the knowledge check pairs D with +σ₂ (see verifyGroth16).
      prepared.commitment = { keyHash: vkeyHash(vk), sigmaLines: negLines(vk.commitment.sigmaG2.negate()), negG2Lines: negLines(bn254.G2.Point.BASE) };
    }
    return prepared;
  });
}

/**
 * L = IC[0] + Σ s_i·IC[i+1]. Variable-time multiplication is fine: signals and key are public.
 * Throws for a signal count that does not match the key, or a signal that is not a field element.
 */
export function publicInputPoint(vk: VerificationKey, publicSignals: readonly bigint[]): G1Point {
  checkSignals(vk, publicSignals);
  return icSum(vk, publicSignals);
}

/** IC[0] + Σ s_i·IC[i+1] for checked signals: one walk with a ~64-step doubling chain (public-input.ts); most signals are 0 and cost nothing. */
function icSum(vk: VerificationKey, publicSignals: readonly bigint[]): G1Point {
  return vk.ic[0].add(signalSum(vk, publicSignals));
}

/** Throws unless `publicSignals` are as many as the key takes and each a field element < r. */
function checkSignals(vk: VerificationKey, publicSignals: readonly bigint[]): void {
  if (publicSignals.length !== vk.ic.length - 1) {
    throw new VerifyInputError('wrong_signal_count', '', `expected ${vk.ic.length - 1} public signals, got ${publicSignals.length}`);
  }
  publicSignals.forEach((s, i) => {
    if (typeof s !== 'bigint' || s < 0n || s >= R) {
      throw new VerifyInputError('bad_field_element', `[${i}]`, 'public signal is not a field element < r');
    }
  });
}

// The Miller loop of a G1 point against prepared G2 lines. A G1 point at infinity
// contributes e(O, Q) = 1, i.e. nothing, so it is skipped (noble cannot take it affine).
function pushPair(pairs: MillerPair[], lines: LinePrecompute, p: G1Point): void {
  if (p.is0()) return;
  const { x, y } = p.toAffine();
  pairs.push([lines, x, y]);
}

// noble's line coefficients, computed on plain bigints (g2-lines.ts).
function linesOf(q: G2Point): LinePrecompute {
  return g2Lines(q);
}

/**
 * The commitment part of one item (docs/proof-format.md "Commitment"): refuses a proof whose
 * commitment does not match the key's (one without the other: VerifyInputError `bad_proof`),
 * recomputes the challenge c from D, the other signals and the key hash — never reading it
 * from the proof — and returns the public-input point L + D, or undefined when the signal in
 * c's slot is not c (the statement then claims a different challenge: not valid).
 */
function publicSum(pvk: PreparedVerificationKey, proof: Groth16Proof, publicSignals: readonly bigint[]): G1Point | undefined {
  const l = publicInputPoint(pvk.vk, publicSignals);
  const d = commitmentPart(pvk, proof, publicSignals);
  if (!d) return undefined;
  return d === NO_COMMITMENT ? l : l.add(d);
}

const NO_COMMITMENT = Symbol('no commitment');

/**
 * Items of one key from which a batch sums their public inputs per IC point (verifyGroth16Batch).
 * Measured in Node on toy proofs with the layout's 39 signals (3 full-width, the rest small):
 * the two ways cost the same for 2 items of a key, per-item wins at 3, the sums from 4 (−3 %)
 * and clearly at 6–8 (−13 to −26 %); a bundle of position chunks has T items per key.
 */
const AGGREGATE_MIN = 4;

/**
 * The commitment's share of the public point: D, or NO_COMMITMENT for a key without one;
 * undefined when the signal in c's slot is not the recomputed c. Throws `bad_proof` for a
 * commitment on one side only. Call after checkSignals.
 */
function commitmentPart(pvk: PreparedVerificationKey, proof: Groth16Proof, publicSignals: readonly bigint[]): G1Point | typeof NO_COMMITMENT | undefined {
  const slot = pvk.vk.commitment?.publicIndex;
  if ((slot === undefined) !== (proof.commitment === undefined)) {
    throw new VerifyInputError('bad_proof', 'commitment', slot === undefined ? 'the proof has a commitment, its key has none' : 'the key has a commitment, the proof has none');
  }
  if (slot === undefined || !proof.commitment || !pvk.commitment) return NO_COMMITMENT;
  const c = commitmentChallenge(proof.commitment.d, withoutChallenge(publicSignals, slot), pvk.commitment.keyHash);
  if (publicSignals[slot - 1] !== c) return undefined;
  return proof.commitment.d;
}

/**
 * The public signals a proof is verified against when its key has a BSB22 commitment whose
 * challenge is the last public input and `signals` leave that slot out (a bundle's chunks, the
 * layout's 7 + ctx): `signals` with c = H(D, signals, keyHash) appended, computed here, never
 * read from anywhere. Other signals are returned as they are (verifyGroth16 judges their count
 * and c's slot).
 */
export function withChallengeSignal(pvk: PreparedVerificationKey, proof: Groth16Proof, signals: readonly bigint[]): readonly bigint[] {
  const slot = pvk.vk.commitment?.publicIndex;
  if (slot === undefined || !proof.commitment || !pvk.commitment || slot !== pvk.vk.nPublic || signals.length !== slot - 1) return signals;
  return [...signals, commitmentChallenge(proof.commitment.d, signals, pvk.commitment.keyHash)];
}

/**
 * One Groth16 verification (three Miller loops, one final exponentiation). With a commitment
 * (D, π) the public sum is L + D and the knowledge check e(D, σ₂) = e(π, g₂) rides in the same
 * final exponentiation, raised to a fresh random ρ ∈ [1, 2^128): a proof that fails either
 * equation passes with probability ≤ 1/(2^128 − 1) (GT has prime order; the argument of
 * verifyGroth16Batch below).
 */
export function verifyGroth16(pvk: PreparedVerificationKey, proof: Groth16Proof, publicSignals: readonly bigint[]): boolean {
  const l = publicSum(pvk, proof, publicSignals);
  if (!l) return false;
  const pairs: MillerPair[] = [];
  pushPair(pairs, linesOf(proof.b), proof.a);
  pushPair(pairs, pvk.negGammaLines, l);
  pushPair(pairs, pvk.negDeltaLines, proof.c);
  if (proof.commitment && pvk.commitment) {
    const rho = randomScalar128();
    pushPair(pairs, pvk.commitment.sigmaLines, proof.commitment.d.multiplyUnsafe(rho));
    pushPair(pairs, pvk.commitment.negG2Lines, proof.commitment.pok.multiplyUnsafe(rho));
  }
  return Fp12.eql(finalExponentiate(millerLoop(pairs)), pvk.alphaBeta);
}

export interface Groth16BatchItem {
  pvk: PreparedVerificationKey;
  proof: Groth16Proof;
  publicSignals: readonly bigint[];
}

/** A uniformly random scalar in [1, 2^128) from the platform CSPRNG (Workers, browsers, Node). */
function randomScalar128(): bigint {
  const bytes = new Uint8Array(16);
  for (;;) {
    crypto.getRandomValues(bytes);
    let n = 0n;
    for (const b of bytes) n = (n << 8n) | BigInt(b);
    if (n !== 0n) return n;
  }
}

/**
 * Verifies many proofs (possibly under different keys) with ONE final exponentiation.
 *
 * Why a random linear combination is sound. For item i let
 *     D_i = e(A_i, B_i) · e(L_i, −γ_i) · e(C_i, −δ_i) · e(α_i, −β_i)  ∈ GT,
 * so item i is valid iff D_i = 1 (e(α, −β) = e(α, β)^(−1)). GT is cyclic of prime order r;
 * write D_i = g^(d_i). We set ρ_0 = 1 and draw fresh ρ_i (i ≥ 1) uniformly from [1, 2^128)
 * AFTER the proofs are fixed (the prover cannot see them) and check Π D_i^(ρ_i) = 1, i.e.
 * Σ ρ_i·d_i ≡ 0 (mod r). If d_j ≠ 0 for some j ≥ 1, then for any values of the other ρ exactly
 * one residue of ρ_j mod r passes, and ρ_j takes 2^128 − 1 distinct residues (2^128 < r), so
 * the batch passes with probability ≤ 1/(2^128 − 1). If d_0 is the only non-zero one, the sum
 * is d_0 ≠ 0 and the batch fails for sure: the first item needs no randomizer (Bellare–Garay–
 * Rabin's small-exponent test; it saves three G1 multiplications). Zero is excluded because
 * ρ_j = 0 would not check item j.
 *
 * Why one final exponentiation suffices. The final exponentiation FE is a group homomorphism
 * of Fp12*, and by bilinearity D_i^(ρ_i) = FE(ML(ρ_i·A_i, B_i) · ML(ρ_i·L_i, −γ_i) ·
 * ML(ρ_i·C_i, −δ_i) · ML(ρ_i·α_i, −β_i)). Terms that share a G2 point add up in G1 first:
 * e(P, Q)·e(P', Q) = e(P + P', Q). In particular the α·β terms of one key are e(α, β)^(−ρ_i),
 * which combine as e(α, β)^(−Σ_i ρ_i) = e((Σ_i ρ_i)·α, −β): one Miller loop per distinct β
 * instead of one per proof (and no GT exponentiation). snarkjs keys made from one ptau share
 * α and β (phase 1) and γ = g2, so a whole bundle needs Miller loops only for its n proofs'
 * (A_i, B_i), one for γ, one for β and one per chunk δ. The check becomes
 *     FE( Π_i ML(ρ_i·A_i, B_i) · Π_{Q ∈ {−γ, −δ, −β} distinct} ML(Σ ρ_i·P_i,Q, Q) ) = 1,
 * and each G1 sum Σ ρ_i·P_i,Q is one multi-scalar multiplication (equal points' scalars added
 * mod r first). The public points are not formed one by one: L_i = IC_0 + Σ_j s_ij·IC_j is
 * linear in the key's IC points, so Σ_i ρ_i·L_i = Σ_j (Σ_i ρ_i·s_ij mod r)·IC_j over the items
 * of one key (s_i0 = 1; exact, since G1 has prime order r), and a bundle of n chunks under one
 * key pays one MSM over its 8 + T IC points instead of n public-input sums.
 *
 * Commitments (docs/lookups-design.md "Costs for the verifier"): item i's public point is
 * L_i + D_i, and its knowledge check K_i = e(D_i, σ_i)·e(π_i, −g₂) joins the product with its
 * OWN fresh ρ'_i (item 0 included: reusing ρ_i would let a Groth16 defect cancel a knowledge
 * defect of the same item). So the D_i fold into one pair per distinct σ₂ and the π_i into
 * the −g₂ pair, which is the −γ pair when γ = g₂ (snarkjs keys).
 */
export function verifyGroth16Batch(items: readonly Groth16BatchItem[]): boolean {
  if (items.length === 0) throw new RangeError('verifyGroth16Batch: no items to verify');
  if (items.length === 1) return verifyGroth16(items[0].pvk, items[0].proof, items[0].publicSignals);

  const pairs: MillerPair[] = [];
  // Key-side G2 points (−γ, −δ, −β of every key), each with the G1 terms Σ ρ_i·P_i paired against it.
  const groups: { q: G2Point; lines: LinePrecompute; points: G1Point[]; scalars: bigint[] }[] = [];
  const addTo = (q: G2Point, lines: LinePrecompute, p: G1Point, rho: bigint) => {
    if (p.is0()) return; // e(O, Q) = 1
    let group = groups.find((g) => g.q.equals(q));
    if (!group) groups.push((group = { q, lines, points: [], scalars: [] }));
    const k = group.points.findIndex((x) => x.equals(p));
    if (k >= 0) group.scalars[k] = (group.scalars[k] + rho) % R;
    else {
      group.points.push(p);
      group.scalars.push(rho);
    }
  };

  // Per key with at least AGGREGATE_MIN items: Σ_i ρ_i·(1, s_i1, s_i2, …), the scalars of its
  // IC points (see above). A key with fewer takes each L_i as before: its signals are mostly
  // small, which public-input.ts exploits and ρ_i·s_ij (≥ 128 bits each) would not.
  const perKey = new Map<VerificationKey, number>();
  for (const { pvk } of items) perKey.set(pvk.vk, (perKey.get(pvk.vk) ?? 0) + 1);
  const icScalars = new Map<VerificationKey, { pvk: PreparedVerificationKey; sums: bigint[] }>();
  let invalid = false;
  items.forEach(({ pvk, proof, publicSignals }, i) => {
    const rho = i === 0 ? 1n : randomScalar128();
    const { vk } = pvk;
    checkSignals(vk, publicSignals);
    const d = commitmentPart(pvk, proof, publicSignals);
    if (!d) invalid = true;
    pushPair(pairs, linesOf(proof.b), proof.a.multiplyUnsafe(rho));
    if (d && d !== NO_COMMITMENT) addTo(vk.gamma, pvk.negGammaLines, d, rho);
    if (d && perKey.get(vk)! < AGGREGATE_MIN) addTo(vk.gamma, pvk.negGammaLines, icSum(vk, publicSignals), rho);
    else if (d) {
      let acc = icScalars.get(vk);
      if (!acc) icScalars.set(vk, (acc = { pvk, sums: vk.ic.map(() => 0n) }));
      acc.sums[0] += rho;
      publicSignals.forEach((s, j) => {
        if (s !== 0n) acc.sums[j + 1] += rho * s;
      });
    }
    addTo(vk.delta, pvk.negDeltaLines, proof.c, rho);
    addTo(vk.beta, pvk.negBetaLines, vk.alpha, rho);
    if (proof.commitment && pvk.commitment && vk.commitment) {
      const rhoK = randomScalar128();
      addTo(vk.commitment.sigmaG2.negate(), pvk.commitment.sigmaLines, proof.commitment.d, rhoK);
      addTo(bn254.G2.Point.BASE, pvk.commitment.negG2Lines, proof.commitment.pok, rhoK);
    }
  });
  if (invalid) return false;
  for (const { pvk, sums } of icScalars.values()) {
    pvk.vk.ic.forEach((p, j) => {
      const k = sums[j] % R;
      if (k !== 0n) addTo(pvk.vk.gamma, pvk.negGammaLines, p, k);
    });
  }
  for (const g of groups) pushPair(pairs, g.lines, mulAddUnsafe(bn254.G1.Point, g.points, g.scalars));
  return Fp12.eql(finalExponentiate(millerLoop(pairs)), Fp12.ONE);
}
