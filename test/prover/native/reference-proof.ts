/**
 * A reference Groth16 proof for fixed randomness (r, s), computed from a .zkey and a witness
 * with ffjavascript's primitives (multiExpAffine, fft/ifft, timesFr): the test's independent
 * check of the native prover's A, B and C (the formulas are in prover/native/src/groth16.hpp),
 * and for a key with a BSB22 commitment (sections 11–13) of D and π, with the committed wires
 * left out of C.
 */
import { readFileSync } from 'node:fs';
import { buildBn128 } from 'ffjavascript';

/** Section type -> bytes of an iden3 binary file (magic, version, count, then type u32 / size u64 / data). */
function sections(file: Uint8Array): Map<number, Uint8Array> {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out = new Map<number, Uint8Array>();
  let pos = 12;
  for (let i = 0, n = dv.getUint32(8, true); i < n; i++) {
    const type = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    out.set(type, file.subarray(pos + 12, pos + 12 + size));
    pos += 12 + size;
  }
  return out;
}

export interface ReferenceProof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  commitment?: string[];
  commitmentPok?: string[];
}

/** The bases that are not the point at infinity (all-zero bytes), with their scalars: ffjavascript's multiExpAffine takes (0, 0) for a point. */
function nonZero(bases: Uint8Array, scalars: Uint8Array): [Uint8Array, Uint8Array] {
  const keep: number[] = [];
  for (let i = 0; i < bases.length / 64; i++) if (bases.subarray(64 * i, 64 * i + 64).some((b) => b !== 0)) keep.push(i);
  const b = new Uint8Array(64 * keep.length);
  const s = new Uint8Array(32 * keep.length);
  keep.forEach((i, k) => {
    b.set(bases.subarray(64 * i, 64 * i + 64), 64 * k);
    s.set(scalars.subarray(32 * i, 32 * i + 32), 32 * k);
  });
  return [b, s];
}

export async function referenceProof(zkeyPath: string, witness: Uint8Array, r: bigint, s: bigint): Promise<ReferenceProof> {
  const curve = await buildBn128(true);
  try {
    const { G1, G2, Fr } = curve;
    const sec = sections(new Uint8Array(readFileSync(zkeyPath)));
    const hdr = sec.get(2)!;
    const hv = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
    const nPublic = hv.getUint32(76, true);
    const domainSize = hv.getUint32(80, true);
    let off = 84;
    const take = (n: number) => hdr.slice(off, (off += n));
    const [alpha1, beta1, beta2, , delta1, delta2] = [take(64), take(64), take(128), take(128), take(64), take(128)];

    const pA = await G1.multiExpAffine(sec.get(5)!, witness);
    const pB1 = await G1.multiExpAffine(sec.get(6)!, witness);
    const pB2 = await G2.multiExpAffine(sec.get(7)!, witness);
    // Committed wires (section 11: count, challenge wire, n, wires) go to D, π and not to C.
    const committed: number[] = [];
    const s11 = sec.get(11);
    if (s11) {
      const v = new DataView(s11.buffer, s11.byteOffset, s11.byteLength);
      for (let k = 0; k < v.getUint32(8, true); k++) committed.push(v.getUint32(12 + 4 * k, true));
    }
    const priv = witness.slice(32 * (nPublic + 1));
    for (const j of committed) priv.fill(0, 32 * (j - nPublic - 1), 32 * (j - nPublic));
    const pC = await G1.multiExpAffine(...nonZero(sec.get(8)!, priv));
    const committedValues = new Uint8Array(32 * committed.length);
    committed.forEach((j, k) => committedValues.set(witness.subarray(32 * j, 32 * j + 32), 32 * k));
    const pD = s11 && (await G1.multiExpAffine(sec.get(12)!, committedValues));
    const pPok = s11 && (await G1.multiExpAffine(sec.get(13)!, committedValues));

    // a, b per row from the coefficients (Montgomery c R times the standard witness value).
    const coefs = sec.get(4)!;
    const cv = new DataView(coefs.buffer, coefs.byteOffset, coefs.byteLength);
    const rows = [new Uint8Array(32 * domainSize), new Uint8Array(32 * domainSize)];
    for (let i = 0, n = cv.getUint32(0, true); i < n; i++) {
      const e = 4 + 44 * i;
      const m = cv.getUint32(e, true), c = cv.getUint32(e + 4, true), w = cv.getUint32(e + 8, true);
      const cur = rows[m].slice(32 * c, 32 * c + 32);
      rows[m].set(Fr.add(cur, Fr.mul(coefs.slice(e + 12, e + 44), witness.slice(32 * w, 32 * w + 32))), 32 * c);
    }
    const rowC = new Uint8Array(32 * domainSize);
    for (let i = 0; i < domainSize; i++) rowC.set(Fr.mul(rows[0].slice(32 * i, 32 * i + 32), rows[1].slice(32 * i, 32 * i + 32)), 32 * i);
    const power = Math.log2(domainSize);
    const shift = Fr.w[power + 1];
    const onCoset = async (evals: Uint8Array) => Fr.fft(await Fr.batchApplyKey(await Fr.ifft(evals), Fr.e(1), shift));
    const [a, b, c] = [await onCoset(rows[0]), await onCoset(rows[1]), await onCoset(rowC)];
    const h = new Uint8Array(32 * domainSize);
    for (let i = 0; i < domainSize; i++) {
      const at = (x: Uint8Array) => x.slice(32 * i, 32 * i + 32);
      h.set(Fr.fromMontgomery(Fr.sub(Fr.mul(at(a), at(b)), at(c))), 32 * i);
    }
    const pH = await G1.multiExpAffine(sec.get(9)!, h);

    const fr = Fr.e(r), fs = Fr.e(s);
    const A = G1.add(G1.add(pA, alpha1), G1.timesFr(delta1, fr));
    const B = G2.add(G2.add(pB2, beta2), G2.timesFr(delta2, fs));
    const B1 = G1.add(G1.add(pB1, beta1), G1.timesFr(delta1, fs));
    let C = G1.add(pC, pH);
    C = G1.add(C, G1.timesFr(A, fs));
    C = G1.add(C, G1.timesFr(B1, fr));
    C = G1.add(C, G1.timesFr(delta1, Fr.neg(Fr.mul(fr, fs))));
    const str = (v: unknown): unknown => (Array.isArray(v) ? v.map(str) : String(v));
    return {
      pi_a: str(G1.toObject(G1.toAffine(A))) as string[],
      pi_b: str(G2.toObject(G2.toAffine(B))) as string[][],
      pi_c: str(G1.toObject(G1.toAffine(C))) as string[],
      ...(s11 ? { commitment: str(G1.toObject(G1.toAffine(pD))) as string[], commitmentPok: str(G1.toObject(G1.toAffine(pPok))) as string[] } : {}),
    };
  } finally {
    await curve.terminate();
  }
}
