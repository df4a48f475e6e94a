/**
 * QuantOptions as quantizeModel stores them (canonical: the serialized options are part of the
 * model id) and the bits of each activation site (QuantOptions.siteBits, issue 17's precision
 * per site). docs/quantization.md "Precision per site".
 */
import { ACT_SITES, DEFAULT_QUANT_OPTIONS, type ActSite, type QuantOptions } from './types.ts';

/** Gate bits the activation table supports: a 2^bits-entry table (lookupCost grows ~2^(bits/2)). */
export const GATE_BITS = { min: 8, max: 12 } as const;

/**
 * The full options in canonical form: the default keys in their order, then weightBits, siteBits
 * (sites in ACT_SITES order) and calibration, each only when it differs from the default. So the
 * options that existed before these three keep their serialized bytes (and model ids), and the
 * same choice written two ways (key order, an explicit default) gives the same model.
 */
export function resolveOptions(opts: Partial<QuantOptions>, nLayers: number): QuantOptions {
  const o: QuantOptions = { ...DEFAULT_QUANT_OPTIONS };
  const base = o as unknown as Record<string, unknown>;
  for (const k of Object.keys(DEFAULT_QUANT_OPTIONS)) {
    const v = (opts as Record<string, unknown>)[k];
    if (v !== undefined) base[k] = v;
  }
  if (opts.weightBits !== undefined && opts.weightBits !== 8) {
    if (!Number.isInteger(opts.weightBits) || opts.weightBits < 2 || opts.weightBits > 16) throw new RangeError(`weightBits ${opts.weightBits} is not an integer in [2, 16]`);
    o.weightBits = opts.weightBits;
  }
  const sites = canonicalSiteBits(opts.siteBits, nLayers);
  if (sites) o.siteBits = sites;
  if (opts.calibration !== undefined && opts.calibration !== 'max') {
    if (opts.calibration !== 'mse') throw new RangeError(`calibration ${String(opts.calibration)} is not 'max' or 'mse'`);
    o.calibration = 'mse';
  }
  return o;
}

function canonicalSiteBits(sb: QuantOptions['siteBits'], nLayers: number): QuantOptions['siteBits'] {
  if (!sb) return undefined;
  const out: Partial<Record<ActSite, number | readonly number[]>> = {};
  for (const k of Object.keys(sb)) if (!(ACT_SITES as readonly string[]).includes(k)) throw new RangeError(`siteBits: unknown site ${k} (sites: ${ACT_SITES.join(', ')})`);
  for (const site of ACT_SITES) {
    const v = sb[site];
    if (v === undefined) continue;
    const list = typeof v === 'number' ? [v] : [...v];
    if (typeof v !== 'number' && (site === 'finalIn' || list.length !== nLayers)) {
      throw new RangeError(`siteBits.${site}: ${site === 'finalIn' ? 'takes one number' : `needs one number or ${nLayers} (one per layer), got ${list.length}`}`);
    }
    const [lo, hi] = site === 'gate' ? [GATE_BITS.min, GATE_BITS.max] : [2, 16];
    for (const b of list) if (!Number.isInteger(b) || b < lo || b > hi) throw new RangeError(`siteBits.${site}: ${b} is not an integer in [${lo}, ${hi}]`);
    // One number for every layer when all layers agree: the same choice, the same bytes.
    out[site] = list.every((b) => b === list[0]) ? list[0] : list;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Bits of `site` in layer l (finalIn: l ignored): siteBits, else actBits / attnBits / 8 (gate). */
export function siteBits(o: QuantOptions, site: ActSite, l = 0): number {
  const v = o.siteBits?.[site];
  if (v !== undefined) return typeof v === 'number' ? v : v[l];
  if (site === 'gate') return 8;
  return site === 'qk' || site === 'v' || site === 'up' ? o.attnBits : o.actBits;
}

/** Bits of the weight matrices. */
export const weightBits = (o: QuantOptions): number => o.weightBits ?? 8;

/**
 * Named option sets (the CLI's --quant): int8 = the defaults; int16 = every activation site
 * int16 (the gate stays int8); fidelity = issue 17's targets on stories260K at +20 % constraints
 * per position under the plain engine (+43 % under LogUp, whose clamp table serves int8 outputs
 * only): 12-bit activations, 10-bit weights, a 9-bit gate (a 512-entry table); fidelity-logup =
 * the LogUp engine's search point at +24.5 %: q/k, the norm inputs and up at 12 bits, the final
 * norm input and the FFN hidden at 16 (as cheap as 12 there: two limbs either way), 9-bit
 * weights, the int8 sites left (v, the attention output, the gate) MSE-calibrated. How they were
 * chosen and what they buy: docs/quantization.md "Precision per site".
 */
export const QUANT_PRESETS = {
  int8: {},
  int16: { actBits: 16, attnBits: 16 },
  fidelity: { actBits: 12, attnBits: 12, weightBits: 10, siteBits: { gate: 9 } },
  'fidelity-logup': { calibration: 'mse', weightBits: 9, siteBits: { qk: 12, attnIn: 12, ffnIn: 12, up: 12, finalIn: 16, hidden: 16 } },
} as const satisfies Record<string, Partial<QuantOptions>>;
export type QuantPreset = keyof typeof QUANT_PRESETS;
export const QUANT_PRESET_NAMES = Object.keys(QUANT_PRESETS) as QuantPreset[];

/** The CLI's --quant help text (compile, run). */
export const QUANT_FLAG_HELP = `quantization: ${QUANT_PRESET_NAMES.join(', ')} (default int8;
                     fidelity = precision per site, docs/quantization.md "Precision per site";
                     fidelity-logup = the same idea tuned for LogUp circuits, +25 % rows
                     instead of +43 %; a different choice is a different model id)`;
