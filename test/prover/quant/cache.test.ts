import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { quantizeForFile } from '@zkinfer/prover/quant/cache.ts';
import { QUANT_FORMAT_VERSION, quantModelId } from '@zkinfer/prover/quant/serialize.ts';

const STORIES = fileURLToPath(new URL('../../../../shared/models/stories260K/stories260K.gguf', import.meta.url));

describe.skipIf(!existsSync(STORIES))('quantizeForFile cache (needs ../shared/models)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-quant-cache-'));
  process.env.ZKINFER_CACHE_DIR = dir;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one entry, reads it back with the same model id, and recovers from a corrupt entry', () => {
    const model = loadModel(STORIES);
    const logs: string[] = [];
    const a = quantizeForFile(model, { log: (m) => logs.push(m) });
    const entries = readdirSync(join(dir, 'quant'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(new RegExp(`^[0-9a-f]{64}-v${QUANT_FORMAT_VERSION}-[0-9a-f]{12}\\.zkqm$`));
    const b = quantizeForFile(model, { log: (m) => logs.push(m) });
    expect(quantModelId(b)).toBe(quantModelId(a));
    expect(logs.filter((l) => l.startsWith('quantizing'))).toHaveLength(1);
    writeFileSync(join(dir, 'quant', entries[0]), 'garbage');
    const c = quantizeForFile(model, { log: (m) => logs.push(m) });
    expect(quantModelId(c)).toBe(quantModelId(a));
    expect(logs.some((l) => l.startsWith('ignoring unreadable cache entry'))).toBe(true);
  });
});
