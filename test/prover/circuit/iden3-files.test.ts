import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { r1csInfo, wtnsCheck } from '@zkinfer/prover/snark/inspect.ts';
import { terminateCurve } from '@zkinfer/prover/snark/curve.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-iden3-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await terminateCurve();
});

/** Coefficients of every encoding path: small ±, ≥ 2^53, near r, merged duplicates. */
function circuit(x?: bigint) {
  const cs = new ConstraintSystem({ witness: x !== undefined });
  const w = x === undefined ? undefined : (v: bigint) => v;
  const big = 1n << 200n;
  const out = cs.publicInput('out', w?.(((x! * x!) * big - 7n * x! + (R - 5n) * x!) % R));
  const pub2 = cs.publicInput('twice', w?.(2n * x!));
  const xin = cs.privateInput('x', x);
  const sq = cs.mul(xin, xin, 'sq');
  // out = sq·2^200 − 7x + (r−5)x, with x listed twice so the store must merge terms.
  const rhs = LinearCombination.dot([sq, xin, xin], [big, -7, R - 5n]);
  cs.assertEqual(rhs, out, 'out');
  cs.assertEqual(xin.scale(2), pub2, 'twice');
  // A coefficient just above 2^53 and a negative one below −2^53.
  const t = cs.mul(xin.scale(2n ** 60n).add(-(2n ** 55n)), xin.scale(-(2n ** 54n)), 'wide');
  cs.assertEqual(t, LinearCombination.dot([sq, xin], [-(2n ** 114n), 2n ** 109n]).add(LinearCombination.dot([xin], [0])), 'wide-check');
  return { cs, sq };
}

describe('iden3 r1cs / wtns writers', () => {
  it('writes an .r1cs that snarkjs reads, with the SHA-256 of the file bytes', async () => {
    const { cs } = circuit(3n);
    const path = join(dir, 'c.r1cs');
    const info = writeR1cs(cs, path);
    const bytes = readFileSync(path);
    expect(info.bytes).toBe(bytes.length);
    expect(info.sha256).toBe(Buffer.from(sha256(bytes)).toString('hex'));
    const read = await r1csInfo(path);
    expect(read).toMatchObject({ nVars: cs.nWires, nConstraints: cs.nConstraints, nPubInputs: 2, nPrvInputs: 1, nOutputs: 0, nLabels: cs.nWires, prime: R });
  });

  it('writes the same .r1cs in shape mode (setup needs no witness)', () => {
    const a = writeR1cs(circuit().cs, join(dir, 'shape.r1cs'));
    const b = writeR1cs(circuit(11n).cs, join(dir, 'full.r1cs'));
    expect(a.sha256).toBe(b.sha256);
  });

  it('snarkjs wtns check agrees with findUnsatisfied on a satisfied and a tampered witness', async () => {
    const { cs, sq } = circuit(123456789n);
    const r1cs = join(dir, 'w.r1cs');
    writeR1cs(cs, r1cs);
    expect(findUnsatisfied(cs)).toBeNull();
    writeWtns(cs, join(dir, 'good.wtns'));
    expect(await wtnsCheck(r1cs, join(dir, 'good.wtns'))).toBe(true);

    const bad = [...cs.values];
    bad[sq.variable!] = (bad[sq.variable!] + 1n) % R;
    expect(findUnsatisfied(cs, bad)).toEqual({ index: 0, label: 'sq' });
    writeWtns(cs, join(dir, 'bad.wtns'), bad);
    expect(await wtnsCheck(r1cs, join(dir, 'bad.wtns'))).toBe(false);
  });

  it('refuses a witness value outside [0, r) and a witness of the wrong length', () => {
    const { cs } = circuit(2n);
    const v = [...cs.values];
    v[1] = R;
    expect(() => writeWtns(cs, join(dir, 'x.wtns'), v)).toThrow(/wire 1/);
    expect(() => writeWtns(cs, join(dir, 'x.wtns'), v.slice(1))).toThrow(RangeError);
  });
});
