/**
 * The comb of fixed-base.ts on one thread, on a private instance of ffjavascript's bn128
 * wasm (calls go straight into the wasm exports; ffjavascript's worker task protocol costs
 * more per call than a point addition). No ffjavascript import: worker threads load this
 * module, and ffjavascript's `web-worker` dependency hijacks any worker that imports it.
 */

export type Group = 'G1' | 'G2';

const DIGITS = 255;
const WINDOWS = 32;
const CHUNK = 1 << 12;

/** What a thread needs to run the comb: ffjavascript's bn128 wasm and the generators. */
export interface EngineSource {
  /** The wasm module bytes (ffjavascript buildBn128(true).tm.code). */
  code: Uint8Array;
  /** Affine LEM generators (curve.G1.oneAffine, curve.G2.oneAffine). */
  oneAffine: Record<Group, Uint8Array>;
}

/** A private wasm instance; u32[0] of its memory is the module's free pointer (wasmcurves). */
export interface Engine {
  exports: Record<string, (...args: number[]) => void>;
  memory: WebAssembly.Memory;
  u8: Uint8Array;
  u32: Uint32Array;
  oneAffine: Record<Group, Uint8Array>;
  tables: Map<Group, number>;
}

const engines = new WeakMap<EngineSource, Promise<Engine>>();

/** This thread's engine for `src` (one instance per source object; zkey-compose-core.ts shares it). */
export function getEngine(src: EngineSource): Promise<Engine> {
  let e = engines.get(src);
  if (!e) {
    e = (async () => {
      const memory = new WebAssembly.Memory({ initial: 25 });
      const instance = await WebAssembly.instantiate(await WebAssembly.compile(src.code as Uint8Array<ArrayBuffer>), { env: { memory } });
      return {
        exports: instance.exports as Engine['exports'],
        memory,
        u8: new Uint8Array(memory.buffer),
        u32: new Uint32Array(memory.buffer),
        oneAffine: src.oneAffine,
        tables: new Map(),
      };
    })();
    engines.set(src, e);
  }
  return e;
}

/**
 * Allocates n bytes (4-aligned) in the instance's linear memory, growing it. Keeps as much
 * again free above: wasm batchToAffine takes its scratch from the free pointer.
 */
export function alloc(e: Engine, n: number): number {
  const p = (e.u32[0] + 3) & ~3;
  e.u32[0] = p + n;
  const need = p + 2 * n + (1 << 20) - e.memory.buffer.byteLength;
  if (need > 0) {
    e.memory.grow(Math.ceil(need / 65536) + 16);
    e.u8 = new Uint8Array(e.memory.buffer);
    e.u32 = new Uint32Array(e.memory.buffer);
  }
  return p;
}

function sizes(group: Group) {
  const n8 = group === 'G1' ? 32 : 64;
  return { affine: 2 * n8, jacobian: 3 * n8, prefix: group === 'G1' ? 'g1m' : 'g2m' };
}

/** The comb table (affine), built once per group at a fixed, never-freed address. */
function combTable(e: Engine, group: Group): number {
  const cached = e.tables.get(group);
  if (cached !== undefined) return cached;
  const { affine, jacobian, prefix } = sizes(group);
  const x = e.exports;
  const n = WINDOWS * DIGITS;
  const table = alloc(e, n * affine);
  const mark = e.u32[0];
  const jac = alloc(e, n * jacobian);
  const gen = alloc(e, affine);
  e.u8.set(e.oneAffine[group], gen);
  const at = (j: number, d: number) => jac + (j * DIGITS + d - 1) * jacobian;
  for (let j = 0; j < WINDOWS; j++) {
    if (j === 0) {
      x[`${prefix}_zero`](at(0, 1));
      x[`${prefix}_addMixed`](at(0, 1), gen, at(0, 1));
    } else {
      x[`${prefix}_double`](at(j - 1, 1), at(j, 1));
      for (let b = 1; b < 8; b++) x[`${prefix}_double`](at(j, 1), at(j, 1));
    }
    x[`${prefix}_double`](at(j, 1), at(j, 2));
    for (let d = 3; d <= DIGITS; d++) x[`${prefix}_add`](at(j, d - 1), at(j, 1), at(j, d));
  }
  x[`${prefix}_batchToAffine`](jac, n, table);
  e.u32[0] = mark; // free the jacobian scratch
  e.tables.set(group, table);
  return table;
}

/** Scalars as 32-byte little-endian words (the comb reads their bytes as window digits). */
export function encodeScalars(scalars: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(32 * scalars.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < scalars.length; i++) {
    let s = scalars[i];
    if (s < 0n || s >= 1n << 256n) throw new RangeError(`mulGenerator: scalar #${i} out of [0, 2^256)`);
    for (let k = 0; k < 4; k++, s >>= 64n) view.setBigUint64(32 * i + 8 * k, s & 0xffffffffffffffffn, true);
  }
  return bytes;
}

/** The comb on this thread: `scalarBytes` from encodeScalars → affine LEM points. */
export async function mulGeneratorEncoded(src: EngineSource, group: Group, scalarBytes: Uint8Array): Promise<Uint8Array> {
  const e = await getEngine(src);
  const table = combTable(e, group);
  const { affine, jacobian, prefix } = sizes(group);
  const zero = e.exports[`${prefix}_zero`];
  const addMixed = e.exports[`${prefix}_addMixed`];
  const toAffine = e.exports[`${prefix}_batchToAffine`];
  const count = scalarBytes.length / 32;
  const out = new Uint8Array(count * affine);
  const mark = e.u32[0];
  const jac = alloc(e, CHUNK * jacobian);
  const aff = alloc(e, CHUNK * affine);
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      for (let i = 0; i < n; i++) {
        const p = jac + i * jacobian;
        const s = 32 * (start + i);
        zero(p);
        for (let j = 0; j < WINDOWS; j++) {
          const d = scalarBytes[s + j];
          if (d !== 0) addMixed(p, table + (j * DIGITS + d - 1) * affine, p);
        }
      }
      toAffine(jac, n, aff);
      out.set(e.u8.subarray(aff, aff + n * affine), start * affine);
    }
  } finally {
    e.u32[0] = mark;
  }
  return out;
}

