/**
 * The default quantization of each model, pinned by the SHA-256 of its .zkqm bytes (the model
 * id). Any change to calibration, quantizeModel or the float reference that moves one of these
 * changes the circuits' constants and so every package and proving key: such a change must be
 * deliberate (update the pins, say so in the commit). scripts/quant-hashes.ts prints them, with
 * two wider activation settings as well.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { serializeQuantModel } from '@zkinfer/prover/quant/serialize.ts';
import { GEMMA3_TINY, STORIES, has } from '../model/helpers/shared.ts';

const PINS: [string, string, string][] = [
  ['bundled default model', DEFAULT_MODEL_PATH, '8b483349314797d807be27dadc513129687c798b8490ef585f2af3ad2e0e76a2'],
  ['stories260K', STORIES, '2c80b24a9868fbde3d2c73e1f86fbde0a0c1a1afe10cc184aad2e3d5e8021076'],
  ['tiny-gemma3-random', GEMMA3_TINY, 'd3f13216f219e34cad8073cb106cb39de9e166014f10208542f8b232b3523078'],
];

describe('default quantization is pinned', () => {
  for (const [name, path, want] of PINS) {
    it.skipIf(!has(path))(`${name}: .zkqm SHA-256 (needs the model file)`, () => {
      const model = loadModel(path);
      const q = quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)));
      expect(bytesToHex(sha256(serializeQuantModel(q)))).toBe(want);
    });
  }
});
