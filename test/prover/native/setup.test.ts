/**
 * The native setup arithmetic (prover/native/src/setup_*.cpp, prover/src/snark/native-setup.ts)
 * against the TypeScript engine (the wasm worker pool over ffjavascript) and snarkjs on small
 * domains: `zkey new` writes the same bytes on both engines and as snarkjs (coefficients ±1,
 * short, 2^200-size and negative, unused wires, one wire with many non-unit terms, which takes
 * the native per-wire MSM), the contribution's 1/δ gives the same L and H (a fixed beacon),
 * and the key check on the native MSMs accepts the key (so does snarkjs's own `zkey verify`)
 * and refuses tampered ones.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import type { ProverEngine } from '@zkinfer/prover/snark/engine.ts';
import { NativeSetup } from '@zkinfer/prover/snark/native-setup.ts';
import { checkZkey } from '@zkinfer/prover/snark/zkey-check.ts';
import { applyFactors, contributeBeacon } from '@zkinfer/prover/snark/zkey-contribute.ts';
import { readZkey, writeZkey, type Groth16Key } from '@zkinfer/prover/snark/zkey-file.ts';
import { composeInitialKey, pointCurve } from '@zkinfer/prover/snark/zkey-new.ts';
import { openPtau } from '@zkinfer/prover/snark/ptau-reader.ts';
import { startSetupPool } from '@zkinfer/prover/snark/setup-engine.ts';
import { generatorMultiples } from '@zkinfer/prover/snark/generator-multiples.ts';
import { hashedHDifferences, snarkjsHashedH } from '@zkinfer/prover/snark/zkey-h-term.ts';
import { nativeSkipReason } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-native-setup-'));
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

/** `rows` constraints of every coefficient kind; wire `hub` has `rows` non-unit terms. */
function circuit(rows: number): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: false });
  const pubs = [cs.publicInput('p0'), cs.publicInput('p1')];
  const hub = cs.privateInput('hub');
  cs.privateInput('unused');
  const weights = [1n, -1n, 3n, -128n, 4096n, 2n ** 40n, R - 2n ** 130n, 2n ** 200n];
  let acc = cs.privateInput('x0');
  for (let i = 0; i < rows; i++) {
    const x = cs.privateInput(`x${i + 1}`);
    const w = weights[i % weights.length];
    cs.assertR1(x.scale(w).add(hub.scale(BigInt(i + 2))), acc.add(pubs[i % 2]), x.scale(-(i + 1)), `r${i}`);
    acc = x;
  }
  return cs;
}

async function setupFiles(name: string, rows: number): Promise<{ r1cs: string; ptau: string }> {
  const cs = circuit(rows);
  const r1cs = join(dir, `${name}.r1cs`);
  writeR1cs(cs, r1cs);
  const k = requiredPtauPower(cs.nConstraints, cs.nPublic);
  const ptau = await preparedPtau({ power: Math.max(4, k), levels: [k], cacheDir: join(dir, 'cache') });
  return { r1cs, ptau: ptau.path };
}

/** The initial key on `engine`, then the beacon of a fixed hash applied to L and H on the same engine. */
async function keyOn(engine: ProverEngine, r1cs: string, ptau: string, out: string): Promise<{ initial: Buffer; final: Groth16Key }> {
  const { key, pool } = await composeInitialKey(r1cs, ptau, 2, undefined, engine);
  try {
    writeZkey(`${out}.new`, key, 'new');
    const curve = await pointCurve();
    const x = contributeBeacon(curve, key, { name: 'fixed', hash: 'ab'.repeat(32), numIterationsExp: 10 });
    await applyFactors(curve, pool, key, [x]);
  } finally {
    await pool.close();
  }
  writeZkey(out, key);
  return { initial: readFileSync(`${out}.new`), final: key };
}

describe.skipIf(nativeSkipReason !== undefined)('native phase-2 setup', () => {
  let r1cs: string;
  let ptau: string;
  let nativeKey: string;
  beforeAll(async () => {
    ({ r1cs, ptau } = await setupFiles('c300', 300)); // 2^9 rows
    nativeKey = join(dir, 'native.zkey');
  });

  it('zkey new: the same bytes as the TypeScript engine and snarkjs; the beacon: the same L and H', async () => {
    const theirs = join(dir, 'snarkjs.zkey');
    await snarkjs.zKey.newZKey(r1cs, ptau, theirs);
    const native = await keyOn('native', r1cs, ptau, nativeKey);
    const wasm = await keyOn('snarkjs', r1cs, ptau, join(dir, 'wasm.zkey'));
    expect(native.initial.equals(readFileSync(theirs))).toBe(true);
    expect(native.initial.equals(wasm.initial)).toBe(true);
    expect(Buffer.from(native.final.l).equals(Buffer.from(wasm.final.l))).toBe(true);
    expect(Buffer.from(native.final.h).equals(Buffer.from(wasm.final.h))).toBe(true);
    expect(readFileSync(nativeKey).equals(readFileSync(join(dir, 'wasm.zkey')))).toBe(true);
  });

  it("zkey new from the local ptau's secrets (fixed-base) equals the sparse sums of its points; wrong or absent secrets fall back to the sums", async () => {
    const via = async (ptauPath: string, engine: ProverEngine) => {
      const lines: string[] = [];
      const { key, pool } = await composeInitialKey(r1cs, ptauPath, 2, (m) => lines.push(m), engine);
      await pool.close();
      const out = join(dir, `via-${lines.length}-${Math.random()}.zkey`);
      writeZkey(out, key, 'new');
      return { bytes: readFileSync(out), direct: lines.some((m) => m.includes("from the local ptau's secrets")) };
    };
    expect(existsSync(join(dirname(ptau), 'secrets.json'))).toBe(true);
    const direct = await via(ptau, 'native');
    expect(direct.direct).toBe(true);
    // The same file without its secrets, and with secrets of another ptau: sparse sums.
    const bare = join(dir, 'bare');
    mkdirSync(bare, { recursive: true });
    copyFileSync(ptau, join(bare, 'pot.ptau'));
    const sparse = await via(join(bare, 'pot.ptau'), 'native');
    expect(sparse.direct).toBe(false);
    expect(direct.bytes.equals(sparse.bytes)).toBe(true);
    const wrong = JSON.parse(readFileSync(join(dirname(ptau), 'secrets.json'), 'utf8')) as Record<string, string>;
    wrong.tau = (BigInt(`0x${wrong.tau}`) + 1n).toString(16);
    writeFileSync(join(bare, 'secrets.json'), JSON.stringify(wrong));
    const refused = await via(join(bare, 'pot.ptau'), 'native');
    expect(refused.direct).toBe(false);
    expect(refused.bytes.equals(direct.bytes)).toBe(true);
    // The wasm engine has no comb: always the sums, the same bytes.
    const wasm = await via(ptau, 'snarkjs');
    expect(wasm.direct).toBe(false);
    expect(wasm.bytes.equals(direct.bytes)).toBe(true);
    // A ptau of a larger power (H's scalars from a level that is not the extra one), with the
    // beacon: L/δ and H/δ from the scalars equal the wasm engine's scaled points.
    const big = (await preparedPtau({ power: 10, levels: [9], cacheDir: join(dir, 'cache') })).path;
    const n = await keyOn('native', r1cs, big, join(dir, 'big-native.zkey'));
    const w = await keyOn('snarkjs', r1cs, big, join(dir, 'big-wasm.zkey'));
    expect(n.initial.equals(w.initial)).toBe(true);
    expect(readFileSync(join(dir, 'big-native.zkey')).equals(readFileSync(join(dir, 'big-wasm.zkey')))).toBe(true);
    await expect(checkZkey(r1cs, big, join(dir, 'big-native.zkey'), undefined, 'native')).resolves.toBeUndefined();
  });

  it('the same bytes on a domain of 2^10 and on one thread', async () => {
    const files = await setupFiles('c900', 900);
    const one = await composeInitialKey(files.r1cs, files.ptau, 1, undefined, 'native');
    await one.pool.close();
    const two = await composeInitialKey(files.r1cs, files.ptau, 2, undefined, 'snarkjs');
    await two.pool.close();
    writeZkey(join(dir, 'n1.zkey'), one.key, 'new');
    writeZkey(join(dir, 'w2.zkey'), two.key, 'new');
    expect(readFileSync(join(dir, 'n1.zkey')).equals(readFileSync(join(dir, 'w2.zkey')))).toBe(true);
  });

  it('the key check on the native MSMs accepts the key (and so does snarkjs zkey verify), and refuses a changed L, A or B2 point', async () => {
    await expect(checkZkey(r1cs, ptau, nativeKey, undefined, 'native')).resolves.toBeUndefined();
    expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, nativeKey)).toBe(true);
    const cases: [keyof Groth16Key, number, RegExp][] = [
      ['l', 64, /L or H/],
      ['a', 64, /A, B1 or IC/],
      ['b2', 128, /B2/],
    ];
    for (const [section, size, message] of cases) {
      const k = readZkey(nativeKey);
      const s = (k[section] as Uint8Array).slice();
      s.copyWithin(size * 6, size * 7, size * 8); // point 6 := point 7 (both non-zero here)
      (k as unknown as Record<string, Uint8Array>)[section] = s;
      const path = join(dir, `tampered-${section}.zkey`);
      writeZkey(path, k);
      await expect(checkZkey(r1cs, ptau, path, undefined, 'native')).rejects.toThrow(message);
    }
  });

  it("the circuit hash's H entry past the ptau's section 2 (snarkjs's quirk above 2^14 + 1 rows) is the same bytes on both engines", async () => {
    // snarkjs hashes N entries for N = 2^15 and up; at N = 2^4 we ask for that count directly,
    // with the ptau's own power 4, so the last entry's first operand is the 64 bytes after section 2.
    expect(snarkjsHashedH(1 << 15)).toBe(1 << 15);
    expect(snarkjsHashedH(1 << 14)).toBe((1 << 14) - 1);
    const N = 16;
    const ptau = openPtau((await preparedPtau({ power: 4, levels: [4], cacheDir: join(dir, 'cache') })).path);
    const init = { sources: [new Uint8Array(64), new Uint8Array(128), new Uint8Array(64), new Uint8Array(64)], magnitude: new Uint8Array(32), length: new Uint8Array(1), negative: new Uint8Array(1) };
    const native = await startSetupPool(init, 1, 'native');
    const wasm = await startSetupPool(init, 1, 'snarkjs');
    try {
      expect(ptau.size(2)).toBe((2 * N - 1) * 64);
      const [n, w] = [await hashedHDifferences(ptau, N, native, N), await hashedHDifferences(ptau, N, wasm, N)];
      expect(Buffer.from(n).equals(Buffer.from(w))).toBe(true);
      // Why the entry cannot go to the native engine: its coordinates are no field elements
      // (above 2q), and native arithmetic makes other bytes of them than wasm's.
      const garbage = ptau.read(2, (2 * N - 1) * 64, 64, true);
      const onNative = await native.differences(garbage, ptau.read(2, (N - 1) * 64, 64));
      expect(Buffer.from(onNative).equals(Buffer.from(w.subarray((N - 1) * 64)))).toBe(false);
      // The real entries are engine-independent: the native engine computed them.
      expect(Buffer.from(await native.differences(ptau.read(2, N * 64, 64), ptau.read(2, 0, 64))).equals(Buffer.from(w.subarray(0, 64)))).toBe(true);
    } finally {
      await native.close();
      await wasm.close();
      ptau.close();
    }
  });

  it('generator multiples (the local ptau\'s points): the native comb writes the wasm comb\'s bytes, zero and r − 1 included', async () => {
    const scalars = [0n, 1n, 2n, 255n, 256n, 2n ** 200n + 12345n, R - 1n, ...Array.from({ length: 40 }, (_, i) => (BigInt(i) * 0x9e3779b97f4a7c15f39cc0605cedc834n) % R)];
    for (const group of ['G1', 'G2'] as const) {
      const native = await generatorMultiples(group, scalars, 'native');
      const wasm = await generatorMultiples(group, scalars, 'snarkjs');
      expect(Buffer.from(native).equals(Buffer.from(wasm))).toBe(true);
    }
  });

  it('the native MSM equals ffjavascript on bases with the point at infinity; bad requests are errors', async () => {
    const curve = await pointCurve();
    const native = new NativeSetup(2);
    try {
      const bases = new Uint8Array(64 * 3);
      curve.G1.toRprLEM(bases, 64, curve.G1.g);
      curve.G1.toRprLEM(bases, 128, curve.G1.toAffine(curve.G1.double(curve.G1.g)));
      const scalars = new Uint8Array([9, 0, 5, 0, 7, 1]); // 9, 5, 263 as 2-byte words
      const got = curve.G1.fromRprLEM(await native.msm('G1', bases, scalars, 2), 0);
      expect(curve.G1.eq(got, curve.G1.timesScalar(curve.G1.g, 5 + 2 * 263))).toBe(true);
      await expect(native.compose('G1', new Uint32Array([1]), new Uint32Array([0, 0]))).rejects.toThrow(/no init/);
      await expect(native.scale(new Uint8Array(64), new Uint8Array(32).fill(255))).rejects.toThrow(/not below r/);
    } finally {
      await native.close();
    }
  });
});
