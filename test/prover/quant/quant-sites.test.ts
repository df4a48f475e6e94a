import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectQuantization, presentGroups, SITE_GROUPS } from '../../../bench/lib/quant-sites.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { quantizeModelWithSites } from '@zkinfer/prover/quant/quantize.ts';
import { forwardFloat } from '@zkinfer/prover/reference/float.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from '../model/helpers/synthetic.ts';

const path = join(mkdtempSync(join(tmpdir(), 'zkinfer-sites-')), 'm.gguf');
writeFileSync(path, modelGguf(tinyLlamaConfig, randomTensors(tinyLlamaConfig, 5)));

describe('site error injection (bench/lib/quant-sites.ts)', () => {
  const model = loadModel(path);
  const { sites } = quantizeModelWithSites(model, [[1, 5, 9, 13, 2, 7]]);
  const ids = [1, 4, 8, 3];

  it('records a scale for every quantized Llama site; Gemma-only groups are absent', () => {
    for (const key of ['res', 'finalIn', 'attnIn.0', 'v.1', 'qr.0', 'kr.1', 'attn.0', 'ffnIn.1', 'gate.0', 'up.0', 'act.1', 'hidden.0']) expect(sites.get(key)?.scale).toBeGreaterThan(0);
    const names = presentGroups(sites).map((g) => g.name);
    expect(names).not.toContain('Wo output (Gemma int16)');
    expect(names).toContain('FFN hidden act·up');
    expect(names.length).toBe(SITE_GROUPS.length - 3);
  });

  it('no group leaves the float pass exact; a group moves the logits by a rounding-sized amount', () => {
    const base = forwardFloat(model, ids);
    expect(forwardFloat(model, ids, { observe: injectQuantization(sites, []) })).toEqual(base);
    const hidden = SITE_GROUPS.filter((g) => g.name === 'FFN hidden act·up');
    const q = forwardFloat(model, ids, { observe: injectQuantization(sites, hidden) });
    const err = Math.max(...q[3].map((x, i) => Math.abs(x - base[3][i])));
    const scale = Math.max(...base[3].map(Math.abs));
    expect(err).toBeGreaterThan(0);
    expect(err / scale).toBeLessThan(0.1);
    // Only at layer 1: a different (smaller or equal) perturbation than at every layer.
    const one = forwardFloat(model, ids, { observe: injectQuantization(sites, hidden, 1) });
    expect(one).not.toEqual(q);
    expect(one).not.toEqual(base);
  });

  it('quantized values land on the site grid and saturate at its bits', () => {
    const observe = injectQuantization(new Map([['gate.0', { scale: 0.5, bits: 3 }]]), SITE_GROUPS.filter((g) => g.name === 'FFN gate'));
    const v = Float32Array.from([0.26, -0.74, 9, -9, 0.1]);
    observe('gate', 0, v);
    expect(Array.from(v)).toEqual([0.5, -0.5, 1.5, -2, 0]);
    const w = Float32Array.from([0.26]);
    observe('gate', 1, w); // no scale recorded for layer 1: untouched
    expect(w[0]).toBeCloseTo(0.26, 6);
  });
});
