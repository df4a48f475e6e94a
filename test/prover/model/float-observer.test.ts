import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forwardFloat, type FloatSite } from '@zkinfer/prover/reference/float.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { GEMMA3_TINY, has } from './helpers/shared.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from './helpers/synthetic.ts';

const tmp = mkdtempSync(join(tmpdir(), 'zkinfer-observer-'));
const c = { ...tinyLlamaConfig, contextLength: 4 };
const path = join(tmp, 'm.gguf');
writeFileSync(path, modelGguf(c, randomTensors(c, 3)));

describe('float pass observer', () => {
  it('sees every Llama site once per layer and position (scores/probs once per head) and changes nothing by reading', () => {
    const m = loadModel(path);
    const ids = [1, 7, 3];
    const seen = new Map<string, number>();
    const withObs = forwardFloat(m, ids, { observe: (site, layer, _v, head) => seen.set(`${site}.${layer}.${head ?? ''}`, (seen.get(`${site}.${layer}.${head ?? ''}`) ?? 0) + 1) });
    expect(withObs.map((r) => Array.from(r))).toEqual(forwardFloat(m, ids).map((r) => Array.from(r)));
    const perLayer: FloatSite[] = ['attnIn', 'q', 'k', 'v', 'qr', 'kr', 'attn', 'o', 'attnRes', 'ffnIn', 'gate', 'up', 'act', 'hidden', 'down', 'ffnRes'];
    for (let l = 0; l < m.config.nLayers; l++) {
      for (const s of perLayer) expect(seen.get(`${s}.${l}.`)).toBe(ids.length);
      for (let h = 0; h < m.config.nHeads; h++) for (const s of ['scores', 'probs']) expect(seen.get(`${s}.${l}.${h}`)).toBe(ids.length);
    }
    for (const s of ['embed', 'finalIn', 'logits']) expect(seen.get(`${s}.-1.`)).toBe(ids.length);
    for (const s of ['qn', 'kn', 'oNorm', 'downNorm']) expect([...seen.keys()].some((k) => k.startsWith(`${s}.`))).toBe(false);
  });

  it('probs sum to 1 per head, and a write into a site changes what follows', () => {
    const m = loadModel(path);
    const ids = [2, 5, 9];
    forwardFloat(m, ids, { observe: (site, _l, v) => { if (site === 'probs') expect(Array.from(v).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12); } });
    const base = forwardFloat(m, ids);
    const zeroed = forwardFloat(m, ids, { observe: (site, layer, v) => { if (site === 'hidden' && layer === 0) v.fill(0); } });
    expect(Array.from(zeroed[2])).not.toEqual(Array.from(base[2]));
    // Zeroing logits is the last site: the returned logits are that array.
    expect(Array.from(forwardFloat(m, ids, { observe: (site, _l, v) => { if (site === 'logits') v.fill(0); } })[0])).toEqual(new Array(c.vocabSize).fill(0));
  });

  it('runs past the context length only when asked', () => {
    const m = loadModel(path);
    expect(() => forwardFloat(m, [1, 2, 3, 4, 5])).toThrow(/exceeds the context length 4/);
    expect(forwardFloat(m, [1, 2, 3, 4, 5], { pastContext: true })).toHaveLength(5);
  });

  it.skipIf(!has(GEMMA3_TINY))('sees the Gemma 3 QK-norm and post-norm sites (needs ../shared/models)', () => {
    const m = loadModel(GEMMA3_TINY);
    const sites = new Set<string>();
    forwardFloat(m, [1, 2], { observe: (site) => sites.add(site) });
    for (const s of ['qn', 'kn', 'oNorm', 'downNorm']) expect(sites.has(s)).toBe(true);
  });
});
