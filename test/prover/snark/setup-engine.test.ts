// Which engine phase-2 setup runs on: the prover's choice (engine.ts) — native where built,
// the wasm pool otherwise (announced in one line, once per process), ZKINFER_PROVER=snarkjs
// forcing the wasm pool.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { setupEngine } from '@zkinfer/prover/snark/setup-engine.ts';
import { nativeUnavailableReason } from '@zkinfer/prover/snark/native.ts';

describe('setup engine choice', () => {
  const missing = { ZKINFER_NATIVE_BINARY: join(tmpdir(), 'zkinfer-no-such-prover') };

  it('falls back to the wasm pool without a native build (one line at most), and ZKINFER_PROVER=snarkjs forces it', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(setupEngine(missing)).toBe('snarkjs');
      expect(setupEngine(missing)).toBe('snarkjs');
      // At most one line per process (another test of this process may have announced it).
      expect(write.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      write.mockRestore();
    }
    expect(setupEngine({ ZKINFER_PROVER: 'snarkjs' })).toBe('snarkjs');
    expect(() => setupEngine({ ...missing, ZKINFER_PROVER: 'native' })).toThrow(/native prover is not built/);
  });

  it.skipIf(nativeUnavailableReason() !== undefined)('is native by default where the native build runs', () => {
    expect(setupEngine({})).toBe('native');
  });
});
