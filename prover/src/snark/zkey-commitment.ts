/**
 * The BSB22 commitment's part of a proving key (docs/lookups-design.md "The commitment";
 * docs/proof-format.md "zkey sections 11–15"): our own sections after snarkjs's ten, present
 * only in keys of circuits that commit to wires (keys without a commitment are byte for byte
 * what they were). All points affine LEM, like the rest of the file:
 *  11 the committed wire set: u32 count (always 1: one commitment per circuit, gnark's
 *     CVE-2024-45039), u32 challenge wire, u32 n, n × u32 committed wires (increasing);
 *  12 P_j = K_j/γ for the committed wires j (n G1 points; their L entries in section 8 are the
 *     point at infinity, so the prover's C leaves them out);
 *  13 σ·P_j (n G1 points);
 *  14 [σ]₁ (G1) ‖ [σ]₂ (G2);
 *  15 one record per phase-2 contribution (in the order of section 10's): [σ]₁ after it, s·y
 *     (s the G1 point of the same δ record, y the contribution's σ factor) and y·g₂ₛ' (G2),
 *     g₂ₛ' the G2 point hashed from the δ record's transcript and s·y (sigmaTranscriptG2).
 */
import { concatBytes as concat } from '@noble/hashes/utils.js';
import type { CommitmentSpec } from '../circuit/commitment-spec.ts';

export interface SigmaRecord {
  /** [σ]₁ after this contribution. */
  sigmaAfter: Uint8Array;
  /** s·y (G1). */
  g1Sy: Uint8Array;
  /** y·g₂ₛ' (G2). */
  g2Spy: Uint8Array;
}

export interface CommitmentKey {
  spec: CommitmentSpec;
  /** P_j, n × 64 bytes. */
  p: Uint8Array;
  /** σ·P_j, n × 64 bytes. */
  sigmaP: Uint8Array;
  sigma1: Uint8Array;
  sigma2: Uint8Array;
  records: SigmaRecord[];
}

export const COMMITMENT_SECTIONS = [11, 12, 13, 14, 15] as const;

function u32s(values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint32(4 * i, x, true));
  return out;
}

/** Section 11's bytes (also what the circuit hash absorbs for the commitment). */
export function wireSetSection(spec: CommitmentSpec): Uint8Array {
  return u32s([1, spec.challengeWire, spec.wires.length, ...spec.wires]);
}

/** The bodies of sections 11–15. */
export function commitmentSections(c: CommitmentKey): Record<number, Uint8Array> {
  return {
    11: wireSetSection(c.spec),
    12: c.p,
    13: c.sigmaP,
    14: concat(c.sigma1, c.sigma2),
    15: concat(u32s([c.records.length]), ...c.records.map((r) => concat(r.sigmaAfter, r.g1Sy, r.g2Spy))),
  };
}

/** Reads sections 11–15 (all or none; any other count than one commitment is refused). */
export function readCommitmentSections(sections: Map<number, Uint8Array>, nPublic: number, nVars: number, contributions: number, path: string): CommitmentKey | undefined {
  const present = COMMITMENT_SECTIONS.filter((id) => sections.has(id));
  if (present.length === 0) return undefined;
  if (present.length !== COMMITMENT_SECTIONS.length) throw new TypeError(`${path}: commitment sections ${present.join(', ')} without the others`);
  const get = (id: number) => sections.get(id)!;
  const s11 = get(11);
  const v = new DataView(s11.buffer, s11.byteOffset, s11.byteLength);
  if (s11.length < 12) throw new TypeError(`${path}: section 11 truncated`);
  const count = v.getUint32(0, true);
  if (count !== 1) throw new TypeError(`${path}: ${count} commitments; exactly one is allowed (CVE-2024-45039)`);
  const challengeWire = v.getUint32(4, true);
  const n = v.getUint32(8, true);
  if (s11.length !== 12 + 4 * n) throw new TypeError(`${path}: section 11 has ${s11.length} bytes for ${n} wires`);
  const wires = Array.from({ length: n }, (_, i) => v.getUint32(12 + 4 * i, true));
  if (challengeWire < 1 || challengeWire > nPublic) throw new TypeError(`${path}: challenge wire ${challengeWire} is not public`);
  if (n === 0 || wires.some((w, i) => w <= (i === 0 ? nPublic : wires[i - 1]) || w >= nVars)) throw new TypeError(`${path}: committed wires must be private and increasing`);
  const sizes: [number, number][] = [
    [12, 64 * n],
    [13, 64 * n],
    [14, 192],
    [15, 4 + 256 * contributions],
  ];
  for (const [id, size] of sizes) if (get(id).length !== size) throw new TypeError(`${path}: section ${id} has ${get(id).length} bytes, ${size} expected`);
  const s15 = get(15);
  if (new DataView(s15.buffer, s15.byteOffset, 4).getUint32(0, true) !== contributions) throw new TypeError(`${path}: σ records do not match the contributions`);
  const records = Array.from({ length: contributions }, (_, i) => {
    const o = 4 + 256 * i;
    return { sigmaAfter: s15.slice(o, o + 64), g1Sy: s15.slice(o + 64, o + 128), g2Spy: s15.slice(o + 128, o + 256) };
  });
  const s14 = get(14);
  return { spec: { wires, challengeWire }, p: get(12), sigmaP: get(13), sigma1: s14.slice(0, 64), sigma2: s14.slice(64), records };
}
