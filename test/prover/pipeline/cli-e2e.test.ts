/**
 * End to end through the CLI on a real (tiny, random) transformer written by the test:
 * llama family, vocab 256 (byte tokenizer), d = 8, 1 layer, ctx 4 — the smallest model whose
 * real forward-pass stages (prover/src/circuit/transformer) fit the test budget. In the
 * default position layout (docs/decisions.md 6) one circuit of < 2^15 rows covers a whole
 * position, so the pass at ctx 4 is 4 chunk proofs with one key. It runs cold in every suite
 * (its own empty cache: local ptau and the phase-2 key made here), 23 s on 2 cores.
 * compile → prove → verify → open, plus verify's exit codes on a tampered and a malformed bundle.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from '../model/helpers/synthetic.ts';
import { nativeSkipReason } from '../native/helpers.ts';


const dir = mkdtempSync(join(tmpdir(), 'zkinfer-e2e-'));
process.env.ZKINFER_CACHE_DIR = join(dir, 'cache'); // cold, as on a fresh machine
const modelPath = join(dir, 'micro.gguf');
const config = { ...tinyLlamaConfig, dModel: 8, nLayers: 1, nHeads: 1, nKvHeads: 1, headDim: 8, ffnDim: 8, contextLength: 16 };
writeFileSync(modelPath, modelGguf(config, randomTensors(config, 7)));
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

describe('zkinfer compile → prove → verify → open (tiny real transformer)', () => {
  it('proves a generation that verifies and opens; tampering is caught', async () => {
    const pkg = join(dir, 'pkg');
    const c = await cli(['compile', '--model', modelPath, '--ctx', '4', '--out', pkg, '--chunk-power', '15', '--json']);
    expect(c.code, c.err).toBe(0);
    const summary = JSON.parse(c.out) as { chunks: number; constraints: number[]; ptau: { insecure: boolean } };
    expect(summary.chunks).toBeGreaterThan(1);
    expect(summary.ptau.insecure).toBe(true);
    // LogUp is the default range backend where the native prover runs (docs/decisions.md 28).
    const info = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { ranges?: unknown };
    expect(info.ranges).toEqual(nativeSkipReason ? undefined : { kind: 'logup', limbBits: 8, clampBits: 10 });

    const proof = join(dir, 'proof.json');
    const p = await cli(['prove', '--package', pkg, '--prompt', 'a', '-n', '2', '--out', proof, '--json']);
    expect(p.code, p.err).toBe(0);
    const proved = JSON.parse(p.out) as { opening: string; generated: number[]; receiptId: string };
    expect(proved.generated).toHaveLength(2);
    expect(statSync(proved.opening).mode & 0o777).toBe(0o600);

    const v = await cli(['verify', '--package', pkg, proof, '--json']);
    expect(v.code, v.err).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ valid: true, receiptId: proved.receiptId, generated: proved.generated });

    const o = await cli(['open', '--bundle', proof, '--opening', proved.opening]);
    expect(o.code, o.err).toBe(0);
    expect(o.out).toBe('a');

    // The second generated token changed consistently in the statement and every chunk's
    // posTokens: the layout checks pass, the Groth16 proofs do not.
    const bundle = JSON.parse(readFileSync(proof, 'utf8')) as { statement: { nPrompt: number; generated: number[] }; chunks: { publicSignals: string[] }[] };
    const g = (bundle.statement.generated[1] + 1) % 256;
    bundle.statement.generated[1] = g;
    for (const ch of bundle.chunks) ch.publicSignals[7 + bundle.statement.nPrompt + 1] = String(g);
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(bundle));
    expect((await cli(['verify', '--package', pkg, tampered])).code).toBe(1);
    writeFileSync(tampered, '{"version":1}');
    expect((await cli(['verify', '--package', pkg, tampered])).code).toBe(2);
    const wrongOpening = JSON.parse(readFileSync(proved.opening, 'utf8')) as { salt: string };
    wrongOpening.salt = '1';
    writeFileSync(join(dir, 'wrong.opening.json'), JSON.stringify(wrongOpening));
    expect((await cli(['open', '--bundle', proof, '--opening', join(dir, 'wrong.opening.json')])).code).toBe(1);
  }, 900_000);

  it('builds plain circuits by default where only snarkjs can prove (ZKINFER_PROVER=snarkjs), and says why', async () => {
    const pkg = join(dir, 'pkg-snarkjs');
    const before = process.env.ZKINFER_PROVER;
    process.env.ZKINFER_PROVER = 'snarkjs';
    try {
      const c = await cli(['compile', '--model', modelPath, '--ctx', '4', '--out', pkg, '--chunk-power', '15', '--json']);
      expect(c.code, c.err).toBe(0);
      expect(c.err).toMatch(/plain circuits: LogUp circuits \(the default\) need the native prover/);
      const info = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { ranges?: { kind: string } };
      expect(info.ranges?.kind ?? 'plain').toBe('plain');
    } finally {
      if (before === undefined) delete process.env.ZKINFER_PROVER;
      else process.env.ZKINFER_PROVER = before;
    }
  }, 300_000);
});
