// The choice between the native prover and snarkjs (ZKINFER_PROVER, the one-line fallback
// when the native prover is not built), and the proving pool on both engines.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProvePool } from '@zkinfer/prover/bundle/prove-pool.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { chosenEngine, closeNativeProver } from '@zkinfer/prover/snark/engine.ts';
import { setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import { shutdownProver, verifyStrict, verifyWithSnarkjs } from '@zkinfer/prover/snark/prove.ts';
import { mixedCircuit } from './mixed-circuit.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { nativeSkipReason } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-engine-'));
afterAll(async () => {
  await closeNativeProver();
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

describe('prover engine choice', () => {
  const missing = { ZKINFER_NATIVE_BINARY: join(dir, 'no-such-prover') };

  it('falls back to snarkjs when the native prover is not built, saying so once in one line', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(chosenEngine(missing)).toBe('snarkjs');
      expect(chosenEngine(missing)).toBe('snarkjs');
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^zkinfer: the native prover is not built .*; proving with snarkjs \(slower\)\n$/);
      expect(lines[0].trimEnd()).not.toContain('\n');
    } finally {
      write.mockRestore();
    }
  });

  it('ZKINFER_PROVER forces either; a forced native prover that cannot run is an error; other values are refused', () => {
    expect(chosenEngine({ ...missing, ZKINFER_PROVER: 'snarkjs' })).toBe('snarkjs');
    expect(() => chosenEngine({ ...missing, ZKINFER_PROVER: 'native' })).toThrow(/ZKINFER_PROVER=native, but the native prover is not built/);
    expect(() => chosenEngine({ ZKINFER_PROVER: 'rapidsnark' })).toThrow(/expected native or snarkjs/);
    if (!nativeSkipReason) {
      expect(chosenEngine({})).toBe('native');
      expect(chosenEngine({ ZKINFER_PROVER: 'native' })).toBe('native');
    }
  });

  it.skipIf(nativeSkipReason !== undefined)('the proving pool proves with both engines, in workers and sequentially, and the proofs verify', async () => {
    const keys = await setupCircuit(mixedCircuit(undefined, 20), { dir, name: 'pool', cacheDir: process.env.ZKINFER_CACHE_DIR ?? join(dir, 'cache') });
    const cs = mixedCircuit([3n, 77n], 20);
    const wtnsPath = join(dir, 'w.wtns');
    writeWtns(cs, wtnsPath);
    for (const engine of ['native', 'snarkjs'] as const) {
      for (const threads of [0, 1]) {
        const pool = createProvePool(threads, engine);
        try {
          const { proof, publicSignals } = await pool.prove(keys.zkeyPath, wtnsPath);
          expect(publicSignals).toEqual([cs.values[1].toString(), cs.values[2].toString()]);
          expect(verifyStrict(keys.vkey, publicSignals, proof), `${engine} threads ${threads}`).toBe(true);
          expect(await verifyWithSnarkjs(keys.vkey, publicSignals, proof)).toBe(true);
          if (engine === 'native') {
            // The same witness in memory (no file): the same statement, a valid proof; one
            // wire changed gives a proof that does not verify.
            const mem = await pool.prove(keys.zkeyPath, witnessBytes(cs.values));
            expect(mem.publicSignals).toEqual(publicSignals);
            expect(verifyStrict(keys.vkey, mem.publicSignals, mem.proof), `in memory, threads ${threads}`).toBe(true);
            const bad = [...cs.values];
            bad[bad.length - 1] = (bad[bad.length - 1] + 1n) % R;
            const tampered = await pool.prove(keys.zkeyPath, witnessBytes(bad));
            expect(verifyStrict(keys.vkey, tampered.publicSignals, tampered.proof)).toBe(false);
          } else {
            await expect(Promise.resolve().then(() => pool.prove(keys.zkeyPath, witnessBytes(cs.values)))).rejects.toThrow(/snarkjs proves from a \.wtns file/);
          }
        } finally {
          await pool.close();
        }
      }
    }
  }, 300_000);
});

describe('native prover key cache', () => {
  it.skipIf(nativeSkipReason !== undefined)('keeps every key of a position layout loaded: three keys proven in turn are loaded once each', async () => {
    // A worker of a position layout proves its chunk kinds in turn, position after position
    // (stories260K: four kinds); a cache of two keys reloaded every one of them.
    const cacheDir = process.env.ZKINFER_CACHE_DIR ?? join(dir, 'cache');
    const kinds = await Promise.all([20, 21, 22].map((rows) => setupCircuit(mixedCircuit(undefined, rows), { dir, name: `kind-${rows}`, cacheDir })));
    const witnesses = [20, 21, 22].map((rows) => witnessBytes(mixedCircuit([5n, 3n], rows).values));
    const prover = new NativeProver(1);
    try {
      const loaded: number[] = [];
      for (let position = 0; position < 3; position++) {
        for (let k = 0; k < 3; k++) {
          const r = await prover.prove(kinds[k].zkeyPath, witnesses[k]);
          expect(verifyStrict(kinds[k].vkey, r.publicSignals, r.proof)).toBe(true);
          loaded.push(r.timings.keysLoaded!);
        }
      }
      expect(loaded).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 3]);
    } finally {
      await prover.close();
    }
  }, 300_000);
});
