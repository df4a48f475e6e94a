import { R } from './field.ts';
import { BinFileWriter, limbs32, toHex, writeSmallFieldElement } from './binfile.ts';
import type { ConstraintSystem } from './system.ts';

/** What `writeR1cs` wrote: the circuit hash binds a registry row to this exact file. */
export interface R1csFileInfo {
  path: string;
  bytes: number;
  /** SHA-256 (hex) of the .r1cs file: the manifest's `circuitHash` (docs/architecture.md "Model commitment"). */
  sha256: string;
}

const N8 = 32;
const R_LIMBS = limbs32(R);

/**
 * Streams the system to `path` in the iden3 r1cs format v1 as snarkjs 0.7.6 reads it
 * (https://github.com/iden3/r1csfile/blob/master/doc/r1cs_bin_format.md):
 *  - section 1 header: n8 = 32, prime r, nWires, nPubOut = 0, nPubIn, nPrvIn, nLabels (u64),
 *    mConstraints;
 *  - section 2 constraints: per row, for A, B, C: u32 term count, then (u32 wire, 32-byte
 *    little-endian coefficient in standard form) pairs, wires ascending;
 *  - section 3 wire → label map: one u64 per wire (here the identity: label i = wire i).
 * Our public inputs are all "public inputs" (none are outputs): wire order ONE, public, private.
 */
export function writeR1cs(cs: ConstraintSystem, path: string): R1csFileInfo {
  const store = cs.store;
  const nWires = cs.nWires;
  const headerSize = 4 + N8 + 4 * 4 + 8 + 4;
  const constraintsSize = 12 * store.length + (4 + N8) * store.termCount;
  const labelsSize = 8 * nWires;
  const w = new BinFileWriter(path);
  w.header('r1cs', 1, 3);

  w.section(1, headerSize);
  w.u32(N8);
  w.fieldElement(R);
  w.u32(nWires);
  w.u32(0);
  w.u32(cs.nPublic);
  w.u32(cs.nPrivateInputs);
  w.u64(nWires);
  w.u32(store.length);

  w.section(2, constraintsSize);
  for (let row = 0; row < store.length; row++) {
    for (const which of [0, 1, 2] as const) {
      const [start, end] = store.lcRange(row, which);
      w.u32(end - start);
      for (let t = start; t < end; t++) {
        const raw = store.rawCoeffAt(t);
        if (Number.isInteger(raw)) {
          const i = w.reserveWords(9);
          w.words[i] = store.wireAt(t);
          writeSmallFieldElement(w.words, i + 1, raw, R_LIMBS);
        } else {
          w.u32(store.wireAt(t));
          w.fieldElement(store.bigCoeff(raw));
        }
      }
    }
  }

  w.section(3, labelsSize);
  for (let i = 0; i < nWires; i++) w.u64(i);

  const digest = w.close();
  return { path, bytes: 12 + 3 * 12 + headerSize + constraintsSize + labelsSize, sha256: toHex(digest) };
}
