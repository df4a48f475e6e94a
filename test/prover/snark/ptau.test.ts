import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertPtauLevel, defaultCacheDir, preparedPtau, readPtauHeader, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { writeLocalPtau } from '@zkinfer/prover/snark/ptau-local.ts';
import { terminateCurve } from '@zkinfer/prover/snark/curve.ts';
import { ZkinferError } from '@zkinfer/prover/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-ptau-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await terminateCurve();
});

describe('ptau files', () => {
  it('requiredPtauPower follows snarkjs zkey new (domain ≥ constraints + public inputs + 1)', () => {
    expect(requiredPtauPower(1, 0)).toBe(1);
    expect(requiredPtauPower(3, 1)).toBe(3); // 4 + ONE = 5 rows → 8
    expect(requiredPtauPower(254, 1)).toBe(8); // 256 rows exactly
    expect(requiredPtauPower(255, 1)).toBe(9);
    expect(() => requiredPtauPower(0, 0)).toThrow(RangeError);
  });

  it('writes a prepared file whose header and SHA-256 check out, and accepts it as --ptau', async () => {
    const path = join(dir, 'p3.ptau');
    const made = await writeLocalPtau(path, 3);
    expect(made.sha256).toBe(Buffer.from(sha256(readFileSync(path))).toString('hex'));
    expect(readPtauHeader(path)).toEqual({ power: 3, prepared: true, contributions: 0 });
    const given = await preparedPtau({ ptau: path, power: 2 });
    expect(given).toEqual({ path, power: 3, sha256: made.sha256, insecure: true });
    await expect(preparedPtau({ ptau: path, power: 4 })).rejects.toThrow(/power 3 is too small/);
  });

  it('two files from the same power differ (fresh secrets)', async () => {
    const a = await writeLocalPtau(join(dir, 'a.ptau'), 2);
    const b = await writeLocalPtau(join(dir, 'b.ptau'), 2);
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('rejects a file that is not a ptau, and an unprepared one', async () => {
    writeFileSync(join(dir, 'junk.ptau'), 'r1cs\u0001\u0000\u0000\u0000');
    // A file the user gave (--ptau) that is not one is their input's fault, not a bug.
    expect(() => readPtauHeader(join(dir, 'junk.ptau'))).toThrow(ZkinferError);
    // Drop sections 12–15 by truncating the section count: a phase-1-only file.
    const src = join(dir, 'p3.ptau');
    const copy = join(dir, 'unprepared.ptau');
    copyFileSync(src, copy);
    const bytes = readFileSync(copy);
    bytes.writeUInt32LE(7, 8);
    writeFileSync(copy, bytes);
    expect(readPtauHeader(copy).prepared).toBe(false);
    await expect(preparedPtau({ ptau: copy, power: 2 })).rejects.toThrow(/not prepared/);
  });

  it('a snarkjs ceremony file (one recorded contribution) is accepted as --ptau and not flagged', async () => {
    const { snarkjsCeremonyPtau } = await import('@zkinfer/prover/snark/ptau-ceremony.ts');
    const path = join(dir, 'ceremony.ptau');
    await snarkjsCeremonyPtau(path, 2);
    expect(readPtauHeader(path)).toEqual({ power: 2, prepared: true, contributions: 1 });
    expect((await preparedPtau({ ptau: path, power: 2 })).insecure).toBe(false);
    // snarkjs's own prepare phase2 leaves no Lagrange point at infinity that setup reads.
    for (const k of [1, 2]) expect(() => assertPtauLevel(path, k)).not.toThrow();
  });

  it('caches local files under XDG_CACHE_HOME/zkinfer', () => {
    const old = process.env.XDG_CACHE_HOME;
    try {
      process.env.XDG_CACHE_HOME = '/some/cache';
      expect(defaultCacheDir()).toBe('/some/cache/zkinfer');
    } finally {
      if (old === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = old;
    }
  });
});
