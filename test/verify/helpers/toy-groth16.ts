import { bn254 } from '@noble/curves/bn254.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes, bytesToHex } from '@noble/hashes/utils.js';
import { proofToJson, verificationKeyToJson, type Groth16Proof, type VerificationKey } from '@zkinfer/verifier';

/**
 * Groth16 keys with KNOWN toxic waste, and proofs made with the trapdoor (the zero-knowledge
 * simulator of Groth 2016 §3.2): with α, β, γ, δ and the IC scalars known, any A = a·g1,
 * B = b·g2 and C = ((a·b − α·β − l·γ)/δ)·g1, l = ic_0 + Σ s_i·ic_i, verifies for ANY signals.
 * That makes them the right fixture for the verifier's algebra and parsing; the differential
 * tests use real proofs of real circuits.
 */

const Fr = bn254.fields.Fr;
const g1 = bn254.G1.Point.BASE;
const g2 = bn254.G2.Point.BASE;

/** A deterministic non-zero scalar from a label (tests stay reproducible). */
export function scalar(label: string): bigint {
  const n = BigInt(`0x${bytesToHex(sha256(utf8ToBytes(label)))}`) % Fr.ORDER;
  return n === 0n ? 1n : n;
}

export interface Trapdoor {
  alpha: bigint;
  beta: bigint;
  gamma: bigint;
  delta: bigint;
  ic: bigint[];
}

/**
 * `phase1` shares α and β among keys, as snarkjs keys made from one ptau do, and with
 * `gammaIsGenerator` sets γ = g2 as `snarkjs groth16 setup` does.
 */
export function toyKey(
  nPublic: number,
  seed: string,
  options: { phase1?: string; gammaIsGenerator?: boolean } = {},
): { vk: VerificationKey; trapdoor: Trapdoor } {
  const phase1 = options.phase1 ?? seed;
  const trapdoor: Trapdoor = {
    alpha: scalar(`${phase1}/alpha`),
    beta: scalar(`${phase1}/beta`),
    gamma: options.gammaIsGenerator ? 1n : scalar(`${seed}/gamma`),
    delta: scalar(`${seed}/delta`),
    ic: Array.from({ length: nPublic + 1 }, (_, i) => scalar(`${seed}/ic${i}`)),
  };
  const vk: VerificationKey = {
    protocol: 'groth16',
    curve: 'bn128',
    nPublic,
    alpha: g1.multiply(trapdoor.alpha),
    beta: g2.multiply(trapdoor.beta),
    gamma: g2.multiply(trapdoor.gamma),
    delta: g2.multiply(trapdoor.delta),
    ic: trapdoor.ic.map((s) => g1.multiply(s)),
  };
  return { vk, trapdoor };
}

export function simulateProof(t: Trapdoor, signals: readonly bigint[], seed = 'proof'): Groth16Proof {
  const a = scalar(`${seed}/a/${signals.join(',')}`);
  const b = scalar(`${seed}/b/${signals.join(',')}`);
  let l = t.ic[0];
  signals.forEach((s, i) => {
    l = Fr.add(l, Fr.mul(t.ic[i + 1], s));
  });
  const c = Fr.div(Fr.sub(Fr.mul(a, b), Fr.add(Fr.mul(t.alpha, t.beta), Fr.mul(l, t.gamma))), t.delta);
  return { a: g1.multiply(a), b: g2.multiply(b), c: g1.multiply(c) };
}

/** snarkjs-shaped JSON (as a mutable plain object) of a key, including the derived field snarkjs adds. */
export function vkJson(vk: VerificationKey): Record<string, unknown> {
  return structuredClone(verificationKeyToJson(vk)) as Record<string, unknown>;
}

export function proofJson(proof: Groth16Proof): Record<string, unknown> {
  return structuredClone(proofToJson(proof)) as Record<string, unknown>;
}

/** A point on the G2 twist that is NOT in the order-r subgroup (the twist's cofactor is ≈ r). */
export function g2PointOutsideSubgroup(): InstanceType<typeof bn254.G2.Point> {
  const Fp2 = bn254.fields.Fp2;
  const b = bn254.G2.Point.CURVE().b;
  for (let k = 1n; ; k++) {
    const x = { c0: k, c1: 1n };
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue; // not a square: no point with this x
    }
    const p = bn254.G2.Point.fromAffine({ x, y });
    if (!p.isTorsionFree()) return p;
  }
}

/**
 * r·Q by plain double-and-add: independent of noble's ψ-based subgroup test and of any
 * endomorphism shortcut in its scalar multiplication (those assume Q is in the subgroup).
 */
export function timesR(q: InstanceType<typeof bn254.G2.Point>): InstanceType<typeof bn254.G2.Point> {
  let acc = bn254.G2.Point.ZERO;
  for (const bit of Fr.ORDER.toString(2)) {
    acc = acc.double();
    if (bit === '1') acc = acc.add(q);
  }
  return acc;
}
