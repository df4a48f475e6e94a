import { R } from './field.ts';
import { BinFileWriter } from './binfile.ts';
import type { ConstraintSystem } from './system.ts';

/**
 * Streams the witness to `path` in the iden3 wtns format v2 as snarkjs 0.7.6 reads it
 * (snarkjs src/wtns_utils.js): section 1 header n8 = 32, prime r, nWitness; section 2 the
 * values in wire order, 32 bytes little-endian each, standard (non-Montgomery) form.
 * `values` defaults to the system's witness; tests pass a tampered copy.
 */
export function writeWtns(cs: ConstraintSystem, path: string, values: readonly bigint[] = cs.values): void {
  if (!cs.computesWitness && values === cs.values) throw new TypeError(`writeWtns ${path}: the system was built without a witness`);
  if (values.length !== cs.nWires) throw new RangeError(`writeWtns ${path}: witness has ${values.length} values for ${cs.nWires} wires`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'bigint' || v < 0n || v >= R) throw new RangeError(`writeWtns ${path}: value of wire ${i} is not a field element in [0, r): ${String(v)}`);
  }
  const w = new BinFileWriter(path);
  w.header('wtns', 2, 2);
  w.section(1, 4 + 32 + 4);
  w.u32(32);
  w.fieldElement(R);
  w.u32(values.length);
  w.section(2, 32 * values.length);
  for (let i = 0; i < values.length; i++) w.fieldElement(values[i]);
  w.close();
}
