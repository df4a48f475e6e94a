import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectQuantization, presentGroups, SITE_GROUPS, withQuantizedWeights } from '../../../bench/lib/quant-sites.ts';
import { mseClip } from '@zkinfer/prover/quant/clip.ts';
import { quantizeRows } from '@zkinfer/prover/quant/weights.ts';
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

  it('withQuantizedWeights rounds every matrix per row as quantizeRows does, and nothing else', () => {
    const w8 = withQuantizedWeights(model, 8);
    for (const [name, t] of model.tensors) {
      const got = w8.tensors.get(name)!;
      if (t.shape.length !== 2) {
        expect(got.data).toBe(t.data);
        continue;
      }
      const q = quantizeRows(t, 8);
      expect(got.data[5]).toBeCloseTo(q.w[5] * q.scale[0], 6);
      expect(got.data).not.toEqual(t.data);
    }
    const f = forwardFloat(model, ids);
    const e = (m: typeof model) => Math.max(...forwardFloat(m, ids).flatMap((r, i) => Array.from(r, (v, j) => Math.abs(v - f[i][j]))));
    expect(e(withQuantizedWeights(model, 10))).toBeLessThan(e(w8));
  });
});

describe('MSE clip (quant/clip.ts)', () => {
  it('clips a lone outlier for a finer step, never does worse than the maximum, keeps the maximum when there is no tail', () => {
    // 10^5 values in [0, 1) and one at 2: clipping near 1.4 costs the outlier (2 − c)² but halves
    // the step of all the others (rounding error ≈ n·step²/12: 2.1 at c = 2, 1.0 at c = 1.4).
    const body = Float32Array.from({ length: 100000 }, (_, i) => (i % 1000) / 1000);
    const withOutlier = [body, Float32Array.from([2])];
    const err = (c: number) => withOutlier.reduce((a, ch) => a + ch.reduce((b, x) => b + (x - Math.min(127, Math.round(x / (c / 127))) * (c / 127)) ** 2, 0), 0);
    const c = mseClip(withOutlier, 2, 8);
    expect(c).toBeLessThan(1.8);
    expect(c).toBeGreaterThan(1);
    expect(err(c)).toBeLessThan(0.8 * err(2));
    expect(mseClip([Float32Array.from([1, 1, 1, 1])], 1, 8)).toBe(1);
    expect(mseClip([], 0, 8)).toBe(0);
  });
});
