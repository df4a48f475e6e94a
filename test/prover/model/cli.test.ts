import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { GEMMA3_TINY, STORIES, has } from './helpers/shared.ts';

afterEach(() => vi.restoreAllMocks());

describe('zkinfer inspect / run: bad input', () => {
  it('exits 2 with a message naming the file, never a stack trace', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'zkinfer-cli-')), 'bad.gguf');
    writeFileSync(p, 'GGUF\x03\x00\x00\x00');
    const r = await cli(['inspect', '--model', p]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.gguf: truncated file: reading tensor_count/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    const missing = await cli(['run', '--model', '/nonexistent/m.gguf', '--prompt', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/\/nonexistent\/m\.gguf: model file not found/);
  });
  it('exits 2 on bad flags', async () => {
    expect((await cli(['run', '--model', 'x.gguf'])).err).toMatch(/--prompt is required/);
    expect((await cli(['run', '--model', 'x.gguf', '--prompt', 'a', '-n', 'ten'])).code).toBe(2);
    expect((await cli(['inspect', '--bogus'])).code).toBe(2);
    const q = await cli(['run', '--model', 'x.gguf', '--prompt', 'a', '--quant', 'int4']);
    expect([q.code, q.err]).toEqual([2, expect.stringMatching(/--quant "int4" is not one of int8, int16, fidelity/)]);
  });
});

describe.skipIf(!has(GEMMA3_TINY))('zkinfer inspect (needs ../shared/models)', () => {
  it('--json reports architecture, sizes, parameters and tensor types', async () => {
    const r = await cli(['inspect', '--model', GEMMA3_TINY, '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.format).toBe('safetensors');
    expect(d.config.family).toBe('gemma3');
    // 256·64 embeddings + 2 layers of (q 64·64 + k,v 2·32·64 + o 64·64 + ffn 3·128·64 + 4 norms·64 + 2 qk-norms·16) + final norm 64
    expect(d.parameters).toBe(256 * 64 + 2 * (4096 + 4096 + 4096 + 3 * 8192 + 4 * 64 + 2 * 16) + 64);
    expect(d.tensorTypes).toEqual({ BF16: 28 });
    const text = await cli(['inspect', '--model', GEMMA3_TINY]);
    expect(text.out).toMatch(/family\s+gemma3/);
    expect(text.out).toMatch(/parameters\s+90,752/);
  });
});

describe.skipIf(!has(STORIES))('zkinfer run --float (needs ../shared/models)', () => {
  it('prints the greedy continuation', async () => {
    const r = await cli(['run', '--model', STORIES, '--prompt', 'Once upon a time', '-n', '12', '--float']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(', there was a little girl named Lily. She');
    const j = await cli(['run', '--model', STORIES, '--prompt', 'Once upon a time', '-n', '3', '--float', '--json']);
    expect(JSON.parse(j.out)).toMatchObject({ inference: 'float', promptIds: [1, 403, 407, 261, 378] });
    expect(JSON.parse(j.out).generatedIds).toHaveLength(3);
  });
  it('uses the integer inference unless --float', async () => {
    process.env.ZKINFER_CACHE_DIR = mkdtempSync(join(tmpdir(), 'zkinfer-cache-')); // keep the user's cache untouched
    const r = await cli(['run', '--model', STORIES, '--prompt', 'Once upon a time', '-n', '4', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.inference).toBe('integer');
    expect(j.generatedIds).toHaveLength(4);
    expect(j.generatedIds.every((t: number) => t >= 0 && t < 512)).toBe(true);
  });
  it('--quant fidelity quantizes with the preset and caches it apart from the default', async () => {
    process.env.ZKINFER_CACHE_DIR = mkdtempSync(join(tmpdir(), 'zkinfer-cache-'));
    const r = await cli(['run', '--model', STORIES, '--prompt', 'Once upon a time', '-n', '12', '--quant', 'fidelity']);
    expect(r.code).toBe(0);
    // The float continuation (test above): the fidelity preset follows it for these 12 tokens.
    expect(r.out).toBe(', there was a little girl named Lily. She');
    expect(readdirSync(join(process.env.ZKINFER_CACHE_DIR!, 'quant')).filter((f) => f.endsWith('.zkqm'))).toHaveLength(1);
    await cli(['run', '--model', STORIES, '--prompt', 'Once', '-n', '1']);
    expect(readdirSync(join(process.env.ZKINFER_CACHE_DIR!, 'quant')).filter((f) => f.endsWith('.zkqm'))).toHaveLength(2);
  });
});
