/**
 * The point arithmetic of our phase-2 key generation on one thread, on a private instance of
 * ffjavascript's bn128 wasm (see fixed-base-core.ts for why we call its exports directly):
 *
 *  - compose: sparse sums P_j = Σ_t c_t·S[row_t] of Lagrange-basis points S of the ptau with
 *    the r1cs coefficients c_t, one output per wire (the key's A, B1, B2 and C/IC points);
 *  - scale: k·P_i for one scalar k and many points (the contribution's 1/δ on L and H);
 *  - difference: U(a_i − b_i) (the circuit hash's H term, τ^i·(τ^N − 1)).
 *
 * Coefficients are sign and short magnitude (r1cs-terms.ts): a ±1 term is one mixed addition,
 * a small constant a scalar multiplication by a few bytes. Points are affine, little-endian
 * Montgomery ("LEM", as in .ptau and .zkey files); `u` outputs are the uncompressed
 * big-endian form snarkjs hashes (ffjavascript's batchLEMtoU).
 * No ffjavascript import: worker threads load this module (see fixed-base-core.ts).
 */
import { alloc, getEngine, type Engine, type EngineSource, type Group } from './fixed-base-core.ts';

/** The ptau's Lagrange points of the circuit's domain (sections 12–15 at level N). */
export const TAU_G1 = 0;
export const TAU_G2 = 1;
export const ALPHA_G1 = 2;
export const BETA_G1 = 3;
/** Source of a term: bits 30–31 of its first word; the row is bits 0–29. */
export const SOURCE_SHIFT = 30;
export const ROW_MASK = (1 << SOURCE_SHIFT) - 1;

const CHUNK = 1 << 12;
/** From this many terms an output's non-unit terms go through one multi-exponentiation. */
const MULTIEXP_MIN = 4;

/** What a thread keeps for a whole setup: the sources and the coefficient magnitudes. */
export interface ComposeInit {
  engine: EngineSource;
  /** Affine LEM points by source id; G2 for TAU_G2, G1 for the others. */
  sources: Uint8Array[];
  /** 32 little-endian bytes per coefficient id, with the byte length and sign of each. */
  magnitude: Uint8Array;
  length: Uint8Array;
  negative: Uint8Array;
}

interface Loaded {
  e: Engine;
  sourcePtr: number[];
  magPtr: number;
  length: Uint8Array;
  negative: Uint8Array;
  magnitude: Uint8Array;
}

let loaded: Loaded | undefined;

/** Places `data` in the instance's memory for good (no scratch reserved above it). */
function place(e: Engine, data: Uint8Array): number {
  const p = (e.u32[0] + 7) & ~7;
  e.u32[0] = p + data.length;
  const need = p + data.length + (1 << 20) - e.memory.buffer.byteLength;
  if (need > 0) {
    e.memory.grow(Math.ceil(need / 65536));
    e.u8 = new Uint8Array(e.memory.buffer);
    e.u32 = new Uint32Array(e.memory.buffer);
  }
  e.u8.set(data, p);
  return p;
}

export async function initCompose(init: ComposeInit): Promise<void> {
  const e = await getEngine(init.engine);
  const sourcePtr = init.sources.map((s) => place(e, s));
  const magPtr = place(e, init.magnitude);
  loaded = { e, sourcePtr, magPtr, length: init.length, negative: init.negative, magnitude: init.magnitude };
}

function state(): Loaded {
  if (!loaded) throw new TypeError('zkey compose: initCompose was not called on this thread');
  return loaded;
}

function sizes(group: Group) {
  const n8 = group === 'G1' ? 32 : 64;
  return { affine: 2 * n8, jacobian: 3 * n8, prefix: group === 'G1' ? 'g1m' : 'g2m' };
}

/**
 * Outputs j = 0…counts.length−1: Σ over its counts[j] terms (two words each in `terms`:
 * source << 30 | row, coefficient id) of coefficient · source point. A wire without terms
 * gives the point at infinity (all zero bytes in LEM).
 */
export function composePoints(group: Group, counts: Uint32Array, terms: Uint32Array): { lem: Uint8Array; u: Uint8Array } {
  const s = state();
  const { e } = s;
  const { affine, jacobian, prefix } = sizes(group);
  const x = e.exports;
  const zero = x[`${prefix}_zero`];
  const addMixed = x[`${prefix}_addMixed`];
  const subMixed = x[`${prefix}_subMixed`];
  const add = x[`${prefix}_add`];
  const sub = x[`${prefix}_sub`];
  const times = x[`${prefix}_timesScalarAffine`];
  const toAffine = x[`${prefix}_batchToAffine`];
  const toU = x[`${prefix}_batchLEMtoU`];
  const multiexp = x[`${prefix}_multiexpAffine`];
  const negAffine = x[`${prefix}_negAffine`];
  const count = counts.length;
  const lem = new Uint8Array(count * affine);
  const u = new Uint8Array(count * affine);
  let most = 0;
  for (let j = 0; j < count; j++) most = Math.max(most, counts[j]);
  const mark = e.u32[0];
  const jac = alloc(e, CHUNK * jacobian);
  const aff = alloc(e, CHUNK * affine);
  const tmp = alloc(e, jacobian);
  // Gathered bases (negated for negative coefficients) and scalars of one output's wide terms.
  const bases = alloc(e, Math.max(1, most) * affine);
  const scalars = alloc(e, Math.max(1, most) * 32);
  const { length, negative, magnitude, magPtr, sourcePtr } = s;
  try {
    let t = 0;
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      for (let i = 0; i < n; i++) {
        const acc = jac + i * jacobian;
        zero(acc);
        const k = counts[start + i];
        // Outputs with many terms: ±1 terms by additions, the others by one Pippenger
        // multi-exponentiation (wasm multiexpAffine) instead of a scalar multiplication each.
        let wide = 0;
        let width = 0;
        for (let q = 0; q < k; q++, t += 2) {
          const w = terms[t];
          const id = terms[t + 1];
          const len = length[id];
          if (len === 0) continue;
          const p = sourcePtr[w >>> SOURCE_SHIFT] + (w & ROW_MASK) * affine;
          if (len === 1 && magnitude[32 * id] === 1) {
            if (negative[id]) subMixed(acc, p, acc);
            else addMixed(acc, p, acc);
          } else if (k < MULTIEXP_MIN) {
            times(p, magPtr + 32 * id, len, tmp);
            if (negative[id]) sub(acc, tmp, acc);
            else add(acc, tmp, acc);
          } else {
            const b = bases + wide * affine;
            if (negative[id]) negAffine(p, b);
            else e.u8.copyWithin(b, p, p + affine);
            wide++;
            if (len > width) width = len;
          }
        }
        if (wide > 0) {
          // Scalars at the widest length among them (magnitudes are zero-padded to 32 bytes).
          for (let q = 0, tt = t - 2 * k, slot = 0; q < k; q++, tt += 2) {
            const id = terms[tt + 1];
            const len = length[id];
            if (len === 0 || (len === 1 && magnitude[32 * id] === 1)) continue;
            e.u8.copyWithin(scalars + slot * width, magPtr + 32 * id, magPtr + 32 * id + width);
            slot++;
          }
          multiexp(bases, scalars, width, wide, tmp);
          add(acc, tmp, acc);
        }
      }
      toAffine(jac, n, aff);
      lem.set(e.u8.subarray(aff, aff + n * affine), start * affine);
      toU(aff, n, aff);
      u.set(e.u8.subarray(aff, aff + n * affine), start * affine);
    }
    if (t !== terms.length) throw new RangeError(`composePoints: counts cover ${t / 2} terms, ${terms.length / 2} given`);
  } finally {
    e.u32[0] = mark;
  }
  return { lem, u };
}

/** k·P_i for affine LEM G1 points P_i and a 32-byte little-endian scalar k (standard form). */
export function scalePoints(points: Uint8Array, scalar: Uint8Array): Uint8Array {
  const { e } = state();
  const x = e.exports;
  const affine = 64;
  const count = points.length / affine;
  const out = new Uint8Array(points.length);
  const mark = e.u32[0];
  const jac = alloc(e, CHUNK * 96);
  const aff = alloc(e, CHUNK * affine);
  const k = alloc(e, 32);
  e.u8.set(scalar, k);
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      e.u8.set(points.subarray(start * affine, (start + n) * affine), aff);
      for (let i = 0; i < n; i++) x.g1m_timesScalarAffine(aff + i * affine, k, 32, jac + i * 96);
      x.g1m_batchToAffine(jac, n, aff);
      out.set(e.u8.subarray(aff, aff + n * affine), start * affine);
    }
  } finally {
    e.u32[0] = mark;
  }
  return out;
}

/** U(a_i − b_i) for affine LEM G1 points (uncompressed, as snarkjs hashes them), on this thread's loaded instance. */
export function differencesU(a: Uint8Array, b: Uint8Array): Uint8Array {
  return differencesOn(state().e, a, b);
}

/**
 * U(a_i − b_i) on the wasm instance `e`: g1m_subAffine, batchToAffine, batchLEMtoU, the calls
 * snarkjs 0.7.6's zkey new makes (hashHPoints), so even 64 bytes that are not a point (the
 * circuit hash's quirk, zkey-new.ts) give the bytes snarkjs hashes.
 */
export function differencesOn(e: Engine, a: Uint8Array, b: Uint8Array): Uint8Array {
  const x = e.exports;
  const affine = 64;
  const count = a.length / affine;
  const out = new Uint8Array(a.length);
  const mark = e.u32[0];
  const jac = alloc(e, CHUNK * 96);
  const pa = alloc(e, CHUNK * affine);
  const pb = alloc(e, CHUNK * affine);
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      e.u8.set(a.subarray(start * affine, (start + n) * affine), pa);
      e.u8.set(b.subarray(start * affine, (start + n) * affine), pb);
      for (let i = 0; i < n; i++) x.g1m_subAffine(pa + i * affine, pb + i * affine, jac + i * 96);
      x.g1m_batchToAffine(jac, n, pa);
      x.g1m_batchLEMtoU(pa, n, pa);
      out.set(e.u8.subarray(pa, pa + n * affine), start * affine);
    }
  } finally {
    e.u32[0] = mark;
  }
  return out;
}
