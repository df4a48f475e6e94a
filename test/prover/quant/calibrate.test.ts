import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forwardFloat } from '@zkinfer/prover/reference/float.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrate } from '@zkinfer/prover/quant/calibrate.ts';

const SHARED = new URL('../../../../shared/', import.meta.url);
const MODELS = ['models/stories260K/stories260K.gguf', 'models/tiny-gemma3-random/model.safetensors'].map((p) => fileURLToPath(new URL(p, SHARED)));

describe.each(MODELS)('calibration forward mirrors reference/float.ts: %s', (path) => {
  it.skipIf(!existsSync(path))('same logits as forwardFloat and a statistic for every site (needs ../shared/models)', () => {
    const model = loadModel(path);
    const ids = model.tokenizer.encode('Once upon a time, a cat', { bos: true }).slice(0, 10);
    const { stats, logits } = calibrate(model, [ids]);
    const ref = forwardFloat(model, ids);
    for (let t = 0; t < ids.length; t++) expect(Array.from(logits[0][t])).toEqual(Array.from(ref[t]));
    const sites = ['attnIn', 'q', 'k', 'v', 'qr', 'kr', 'attn', 'o', 'ffnIn', 'gate', 'up', 'act', 'hidden', 'down'];
    if (model.config.family === 'gemma3') sites.push('qn', 'kn');
    for (let l = 0; l < model.config.nLayers; l++) for (const s of sites) expect(stats.get(`${s}.${l}`)).toBeGreaterThan(0);
    for (const s of ['res', 'finalIn', 'logits']) expect(stats.get(s)).toBeGreaterThan(0);
  });
});
