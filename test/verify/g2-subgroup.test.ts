import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { g2Multiply, isInG2Subgroup, isInG2SubgroupByOrder, psi } from '@zkinfer/verifier/internal/g2-subgroup.ts';
import { scalar } from './helpers/toy-groth16.ts';

/**
 * The fast G2 test against the definition [r]Q = O. The twist E'(Fp2) has order h·r with h
 * square-free (checked below), so E'(Fp2) is cyclic and the set of points passing the fast test
 * (the kernel of an endomorphism) is a sum of prime-order parts. It contains G2 (the generator
 * passes), and it equals G2 exactly iff no point of prime order ℓ | h passes: checked for every ℓ.
 */

const G2 = bn254.G2.Point;
const Fp2 = bn254.fields.Fp2;
const R = bn254.fields.Fr.ORDER;
const H = 0x30644e72e131a029b85045b68181585e06ceecda572a2489345f2299c0f9fa8dn; // G2 cofactor
// Prime factors of H (their product is checked below, their primality by Miller–Rabin).
const H_FACTORS = [10069n, 5864401n, 1875725156269n, 197620364512881247228717050342013327560683201906968909n];

type G2Point = InstanceType<typeof G2>;

/** k·Q for any k ≥ 0 by double-and-add (noble refuses scalars ≥ r). */
function times(q: G2Point, k: bigint): G2Point {
  let acc = G2.ZERO;
  for (const bit of k.toString(2)) {
    acc = acc.double();
    if (bit === '1') acc = acc.add(q);
  }
  return acc;
}

/** A point on the twist from a label: x = hash, y = √(x³ + b) when it exists. Generally not in G2. */
function twistPoint(label: string): G2Point {
  const b = G2.CURVE().b;
  for (let i = 0; ; i++) {
    const x = { c0: scalar(`${label}/x0/${i}`), c1: scalar(`${label}/x1/${i}`) };
    try {
      return G2.fromAffine({ x, y: Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b)) });
    } catch {
      // x³ + b is not a square: try the next x
    }
  }
}

function onTwist(q: G2Point): boolean {
  const { x, y } = q.toAffine();
  return Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2.CURVE().b));
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

function isProbablePrime(n: bigint): boolean {
  let d = n - 1n;
  let s = 0;
  for (; (d & 1n) === 0n; d >>= 1n) s++;
  return [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n].every((a) => {
    if (a % n === 0n) return true;
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) return true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) return true;
    }
    return false;
  });
}

describe('G2 subgroup test (eprint 2022/348)', () => {
  it('uses the right cofactor: square-free, prime factors, #E\'(Fp2) = h·r kills random twist points', () => {
    expect(H_FACTORS.reduce((a, b) => a * b, 1n)).toBe(H);
    for (const l of H_FACTORS) {
      expect(isProbablePrime(l)).toBe(true);
      expect(H % (l * l)).not.toBe(0n);
    }
    expect(H % R).not.toBe(0n);
    expect(times(twistPoint('order'), H * R).is0()).toBe(true);
  });

  it('ψ maps twist points to twist points and acts as [p] on G2', () => {
    const q = G2.BASE.multiply(scalar('psi'));
    const image = psi(q);
    expect(onTwist(image)).toBe(true);
    expect(image.equals(q.multiplyUnsafe(bn254.fields.Fp.ORDER % R))).toBe(true);
    expect(onTwist(psi(twistPoint('psi-off')))).toBe(true);
  });

  it('accepts G2 points, agreeing with [r]Q = O and noble', () => {
    const points = [G2.BASE, G2.BASE.negate(), ...['a', 'b', 'c', 'd'].map((s) => G2.BASE.multiply(scalar(s)))];
    for (const q of points) {
      expect(isInG2SubgroupByOrder(q)).toBe(true);
      expect(isInG2Subgroup(q)).toBe(true);
      expect(q.isTorsionFree()).toBe(true);
    }
  });

  it('refuses random twist points, agreeing with [r]Q = O', () => {
    for (const label of ['t1', 't2', 't3', 't4']) {
      const q = twistPoint(label);
      expect(isInG2SubgroupByOrder(q)).toBe(false);
      expect(isInG2Subgroup(q)).toBe(false);
      expect(q.isTorsionFree()).toBe(false);
    }
  });

  it('refuses a point of every prime order ℓ dividing the cofactor, alone and added to a G2 point', () => {
    const inG2 = G2.BASE.multiply(scalar('mix'));
    for (const l of H_FACTORS) {
      let q = G2.ZERO;
      for (let i = 0; q.is0(); i++) q = times(twistPoint(`l${l}/${i}`), (H / l) * R);
      expect(times(q, l).is0()).toBe(true); // order exactly ℓ (ℓ prime, q ≠ O)
      expect(isInG2SubgroupByOrder(q)).toBe(false);
      expect(isInG2Subgroup(q)).toBe(false);
      expect(isInG2Subgroup(inG2.add(q))).toBe(false);
    }
  });

  it('g2Multiply equals double-and-add with noble for points in and out of G2, and on small orders', () => {
    const points = [G2.BASE.multiply(scalar('gm')), twistPoint('gm-off')];
    for (const q of points) {
      for (const k of [1n, 2n, 3n, 4965661367192848881n, scalar('k1'), R - 1n, R, R + 1n, H]) {
        expect(g2Multiply(q, k).equals(times(q, k))).toBe(true);
      }
    }
    // A point of prime order ℓ = 10069: ℓ = 2·5034 + 1 reaches −Q + Q (→ O), 2ℓ + 1 adds Q to O,
    // ℓ + 2 = 2·5035 + 1 adds Q to (ℓ + 1)Q = Q (→ doubling).
    const l = H_FACTORS[0];
    let q = G2.ZERO;
    for (let i = 0; q.is0(); i++) q = times(twistPoint(`small/${i}`), (H / l) * R);
    for (const k of [l - 1n, l, l + 1n, l + 2n, 2n * l, 2n * l + 1n, 3n * l - 1n, l * l + 1n, 4965661367192848881n]) {
      expect(g2Multiply(q, k).equals(times(q, k))).toBe(true);
    }
    expect(g2Multiply(q, l).is0()).toBe(true);
    expect(() => g2Multiply(q, 0n)).toThrow(RangeError);
  });
});
