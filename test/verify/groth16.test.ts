import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import {
  R,
  VerifyInputError,
  checkKeySafety,
  parseProof,
  parseVerificationKey,
  prepareVerificationKey,
  prepareVerificationKeys,
  publicInputPoint,
  verifyGroth16,
  verifyGroth16Batch,
  type Groth16Proof,
  type VerificationKey,
} from '@zkinfer/verifier';
import { proofJson, simulateProof, toyKey, vkJson } from './helpers/toy-groth16.ts';

const Fp12 = bn254.fields.Fp12;
const signals = [7n, 0n, R - 1n];
const { vk, trapdoor } = toyKey(3, 'groth16');
const pvk = prepareVerificationKey(vk);
const proof = simulateProof(trapdoor, signals);

describe('verifyGroth16 (proofs from known toxic waste)', () => {
  it('accepts a valid proof, also after a JSON round trip', () => {
    expect(verifyGroth16(pvk, proof, signals)).toBe(true);
    const reparsed = parseProof(JSON.parse(JSON.stringify(proofJson(proof))));
    const key = prepareVerificationKey(parseVerificationKey(JSON.parse(JSON.stringify(vkJson(vk)))));
    expect(verifyGroth16(key, reparsed, signals)).toBe(true);
  });

  it('refuses each public signal changed', () => {
    for (let i = 0; i < signals.length; i++) {
      const tampered = [...signals];
      tampered[i] = (tampered[i] + 1n) % R;
      expect(verifyGroth16(pvk, proof, tampered)).toBe(false);
    }
  });

  it('refuses each proof point changed, negated or swapped', () => {
    const g1 = bn254.G1.Point.BASE;
    const variants: Groth16Proof[] = [
      { ...proof, a: proof.a.add(g1) },
      { ...proof, c: proof.c.add(g1) },
      { ...proof, b: proof.b.double() },
      { ...proof, a: proof.a.negate() },
      { ...proof, a: proof.c, c: proof.a },
    ];
    for (const p of variants) expect(verifyGroth16(pvk, p, signals)).toBe(false);
  });

  it('refuses a proof under another key', () => {
    const other = toyKey(3, 'other');
    expect(verifyGroth16(prepareVerificationKey(other.vk), proof, signals)).toBe(false);
  });

  it('throws for a signal count that does not match the key, or a signal ≥ r', () => {
    expect(() => verifyGroth16(pvk, proof, signals.slice(1))).toThrow(VerifyInputError);
    expect(() => verifyGroth16(pvk, proof, [...signals, 1n])).toThrow(VerifyInputError);
    expect(() => verifyGroth16(pvk, proof, [signals[0] + R, signals[1], signals[2]])).toThrow(/field element/);
  });
});

describe('verifyGroth16Batch', () => {
  // Three keys; snarkjs-like keys share γ, so also one pair of keys with equal γ.
  const keys = ['k0', 'k1', 'k2'].map((s) => toyKey(3, s));
  const shared = toyKey(3, 'k0');
  const sharedGamma = (() => {
    const k = toyKey(3, 'k3');
    const vk3: VerificationKey = { ...k.vk, gamma: shared.vk.gamma };
    return { vk: vk3, trapdoor: { ...k.trapdoor, gamma: shared.trapdoor.gamma } };
  })();
  const all = [...keys, sharedGamma];
  const prepared = all.map((k) => prepareVerificationKey(k.vk));
  const items = Array.from({ length: 8 }, (_, i) => {
    const k = i % all.length;
    const s = [BigInt(i), BigInt(i * i), 5n];
    return { pvk: prepared[k], proof: simulateProof(all[k].trapdoor, s, `batch${i}`), publicSignals: s };
  });

  it('accepts when every proof is valid (several keys, shared γ, repeated keys)', () => {
    expect(verifyGroth16Batch(items)).toBe(true);
    expect(verifyGroth16Batch(items.slice(0, 1))).toBe(true);
    expect(verifyGroth16Batch(items.slice(0, 2))).toBe(true);
  });

  it('refuses when one proof among many is bad (each position)', () => {
    for (const bad of [0, 3, 7]) {
      const tampered = items.map((it, i) => (i === bad ? { ...it, publicSignals: [it.publicSignals[0] + 1n, ...it.publicSignals.slice(1)] } : it));
      expect(verifyGroth16Batch(tampered)).toBe(false);
    }
  });

  it('refuses two invalid proofs crafted to cancel in a fixed (non-random) combination', () => {
    // Shift C of one proof by +X and of another (same key) by −X: the plain product of the two
    // pairing checks is unchanged, so a batch with ρ = 1 for all would accept. Random ρ must not.
    const x = bn254.G1.Point.BASE.multiply(12345n);
    const sameKey = items.filter((it) => it.pvk === prepared[0]);
    const forged = [
      { ...sameKey[0], proof: { ...sameKey[0].proof, c: sameKey[0].proof.c.add(x) } },
      { ...sameKey[1], proof: { ...sameKey[1].proof, c: sameKey[1].proof.c.subtract(x) } },
    ];
    expect(verifyGroth16(forged[0].pvk, forged[0].proof, forged[0].publicSignals)).toBe(false);
    expect(verifyGroth16Batch(forged)).toBe(false);
  });

  it('sums public inputs per key over a batch of 4 or more of its proofs, and refuses signals shifted to cancel in that sum', () => {
    // With ≥ 4 items of one key the batch forms Σ_i ρ_i·L_i from the sums Σ_i ρ_i·s_ij (linear in
    // IC): a signal moved up by 1 in one item and down by 1 in another cancels in Σ_i s_ij, never
    // in Σ_i ρ_i·s_ij.
    const many = Array.from({ length: 5 }, (_, i) => {
      const s = [BigInt(10 + i), BigInt(3 * i), 1n];
      return { pvk: prepared[0], proof: simulateProof(all[0].trapdoor, s, `many${i}`), publicSignals: s };
    });
    expect(verifyGroth16Batch(many)).toBe(true);
    expect(verifyGroth16Batch([...many, ...items])).toBe(true);
    const shifted = many.map((it, i) => (i < 2 ? { ...it, publicSignals: [it.publicSignals[0] + (i === 0 ? 1n : -1n), ...it.publicSignals.slice(1)] } : it));
    expect(shifted[0].publicSignals[0] + shifted[1].publicSignals[0]).toBe(many[0].publicSignals[0] + many[1].publicSignals[0]);
    expect(verifyGroth16Batch(shifted)).toBe(false);
    expect(verifyGroth16Batch([...items, ...shifted])).toBe(false);
    // one proof's signal changed alone, in each position of the batch
    for (const bad of [0, 2, 4]) {
      expect(verifyGroth16Batch(many.map((it, i) => (i === bad ? { ...it, publicSignals: [it.publicSignals[0], it.publicSignals[1] + 1n, 1n] } : it)))).toBe(false);
    }
    // two proofs of the key swapped between their signals: each is invalid
    expect(verifyGroth16Batch(many.map((it, i) => (i === 0 ? { ...it, proof: many[1].proof } : i === 1 ? { ...it, proof: many[0].proof } : it)))).toBe(false);
    // a malformed signal is still refused loudly, before any pairing
    expect(() => verifyGroth16Batch([...many, { ...many[1], publicSignals: [R, 0n, 0n] }])).toThrow(/field element/);
    expect(() => verifyGroth16Batch([...many, { ...many[1], publicSignals: [1n, 2n] }])).toThrow(/public signals/);
  });

  it('merges repeated points (same proof twice) and still refuses a repeated bad proof', () => {
    expect(verifyGroth16Batch([items[0], items[0], items[4]])).toBe(true);
    const bad = { ...items[0], publicSignals: [7n, ...items[0].publicSignals.slice(1)] };
    expect(verifyGroth16Batch([bad, bad])).toBe(false);
    expect(verifyGroth16Batch([items[4], bad, bad])).toBe(false);
  });

  it('refuses an empty batch loudly', () => {
    expect(() => verifyGroth16Batch([])).toThrow(RangeError);
  });
});

describe('key safety and forgery without phase-2 contribution', () => {
  it('accepts a safe key', () => {
    expect(() => checkKeySafety(vk)).not.toThrow();
  });

  it('with δ = γ = g2 anyone forges a proof for any statement, and checkKeySafety refuses the key', () => {
    // A key as `snarkjs groth16 setup` leaves it before any `zkey contribute`: γ = δ = g2.
    const g2 = bn254.G2.Point.BASE;
    const unsafe: VerificationKey = { ...vk, gamma: g2, delta: g2 };
    // Forgery using only public key material: A = α, B = β, C = −L. Then
    // e(A,B) = e(α,β) and e(L,γ)·e(C,δ) = e(L,g2)·e(−L,g2) = 1, so the check holds for ANY signals.
    const statement = [1n, 2n, 3n];
    const forged: Groth16Proof = { a: unsafe.alpha, b: unsafe.beta, c: publicInputPoint(unsafe, statement).negate() };
    expect(verifyGroth16(prepareVerificationKey(unsafe), forged, statement)).toBe(true);
    expect(() => checkKeySafety(unsafe)).toThrow(/δ = γ/);
    try {
      checkKeySafety(unsafe, 'chunks[0].vkey');
    } catch (err) {
      expect((err as VerifyInputError).code).toBe('unsafe_key');
      expect((err as VerifyInputError).path).toBe('chunks[0].vkey.vk_delta_2');
    }
  });

  it('refuses δ = g2 with γ ≠ g2, IC length ≠ nPublic + 1, and an IC point at infinity', () => {
    const g2 = bn254.G2.Point.BASE;
    const cases: [VerificationKey, RegExp][] = [
      [{ ...vk, delta: g2 }, /generator/],
      [{ ...vk, ic: vk.ic.slice(1) }, /IC has 3 points/],
      [{ ...vk, ic: [...vk.ic.slice(0, 2), bn254.G1.Point.ZERO, vk.ic[3]] }, /IC point at infinity/],
    ];
    for (const [key, message] of cases) {
      expect(() => checkKeySafety(key)).toThrow(message);
    }
    // The infinity IC point parses (so the registry can say why it refuses it) but is unsafe:
    // its signal is not bound, any value verifies.
    const json = vkJson(vk) as { IC: string[][] };
    json.IC[2] = ['0', '1', '0'];
    const parsed = parseVerificationKey(json);
    expect(() => checkKeySafety(parsed)).toThrow(/IC\[2\]: IC point at infinity/);
  });
});

describe('prepareVerificationKeys', () => {
  // Like snarkjs keys from one ptau: shared α, β and γ = g2, distinct δ and IC.
  const keys = ['p0', 'p1', 'p2'].map((s) => toyKey(3, s, { phase1: 'ptau', gammaIsGenerator: true }).vk);
  const other = toyKey(3, 'other').vk;
  const prepared = prepareVerificationKeys([...keys, other]);

  it('equals preparing each key alone: e(α, β) and the lines of −β, −γ, −δ', () => {
    prepared.forEach((p, i) => {
      const vk = [...keys, other][i];
      expect(Fp12.eql(p.alphaBeta, bn254.pairing(vk.alpha, vk.beta))).toBe(true);
      expect(p.negBetaLines).toEqual(bn254.utils.calcPairingPrecomputes(vk.beta.negate()));
      expect(p.negGammaLines).toEqual(bn254.utils.calcPairingPrecomputes(vk.gamma.negate()));
      expect(p.negDeltaLines).toEqual(bn254.utils.calcPairingPrecomputes(vk.delta.negate()));
      expect(Fp12.eql(prepareVerificationKey(vk).alphaBeta, p.alphaBeta)).toBe(true);
    });
  });

  it('shares the work for equal points only', () => {
    expect(prepared[1].negBetaLines).toBe(prepared[0].negBetaLines);
    expect(prepared[2].negGammaLines).toBe(prepared[0].negGammaLines);
    expect(prepared[1].alphaBeta).toBe(prepared[0].alphaBeta);
    expect(prepared[1].negDeltaLines).not.toBe(prepared[0].negDeltaLines);
    expect(prepared[3].negBetaLines).not.toBe(prepared[0].negBetaLines);
    expect(Fp12.eql(prepared[3].alphaBeta, prepared[0].alphaBeta)).toBe(false);
  });
});
