import { buildBn128 } from 'ffjavascript';

/**
 * Batched fixed-base scalar multiplication s_i·g for the generator g of G1 or G2, calling
 * ffjavascript's bn128 wasm directly. A generic scalar multiplication costs ~254 doublings
 * + ~127 additions; with a comb table T[j][d] = d·2^(8j)·g (32 byte-windows × 255 digits)
 * a product is at most 32 mixed additions — the scalar's bytes index the table — about 10×
 * less work. Calls go straight into the wasm exports of a private single-threaded instance:
 * ffjavascript's worker task protocol costs more per call than the addition itself.
 * Output: affine points in little-endian Montgomery form, as snarkjs writes .ptau files.
 */

export type Group = 'G1' | 'G2';

const DIGITS = 255;
const WINDOWS = 32;
const CHUNK = 1 << 12;

interface Engine {
  exports: Record<string, (...args: number[]) => void>;
  memory: WebAssembly.Memory;
  tm: { u8: Uint8Array; u32: Uint32Array; alloc(n: number): number; memory: WebAssembly.Memory };
  oneAffine: Record<Group, Uint8Array>;
  tables: Map<Group, number>;
}

let engine: Promise<Engine> | undefined;

function getEngine(): Promise<Engine> {
  engine ??= (async () => {
    const curve = await buildBn128(true);
    const tm = curve.tm;
    return {
      exports: tm.instance.exports,
      memory: tm.memory,
      tm,
      oneAffine: { G1: curve.G1.oneAffine, G2: curve.G2.oneAffine },
      tables: new Map(),
    };
  })();
  return engine;
}

/**
 * Allocates n bytes in the instance's linear memory, growing it (and ffjavascript's views).
 * Keeps as much again free above: wasm batchToAffine takes its scratch from the free pointer.
 */
function alloc(e: Engine, n: number): number {
  const p = e.tm.alloc(n);
  const need = p + 2 * n + (1 << 20) - e.memory.buffer.byteLength;
  if (need > 0) {
    e.memory.grow(Math.ceil(need / 65536) + 16);
    e.tm.u8 = new Uint8Array(e.memory.buffer);
    e.tm.u32 = new Uint32Array(e.memory.buffer);
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
  const mark = e.tm.u32[0];
  const jac = alloc(e, n * jacobian);
  const gen = alloc(e, affine);
  e.tm.u8.set(e.oneAffine[group], gen);
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
  e.tm.u32[0] = mark; // free the jacobian scratch
  e.tables.set(group, table);
  return table;
}

/** scalars[i]·g, each scalar in [0, 2^256); a zero scalar gives the point at infinity. */
export async function mulGenerator(group: Group, scalars: readonly bigint[]): Promise<Uint8Array> {
  const e = await getEngine();
  const table = combTable(e, group);
  const { affine, jacobian, prefix } = sizes(group);
  const zero = e.exports[`${prefix}_zero`];
  const addMixed = e.exports[`${prefix}_addMixed`];
  const toAffine = e.exports[`${prefix}_batchToAffine`];
  const out = new Uint8Array(scalars.length * affine);
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  const mark = e.tm.u32[0];
  const jac = alloc(e, CHUNK * jacobian);
  const aff = alloc(e, CHUNK * affine);
  try {
    for (let start = 0; start < scalars.length; start += CHUNK) {
      const n = Math.min(CHUNK, scalars.length - start);
      for (let i = 0; i < n; i++) {
        let s = scalars[start + i];
        if (s < 0n || s >= 1n << 256n) throw new RangeError(`mulGenerator: scalar #${start + i} out of [0, 2^256)`);
        for (let k = 0; k < 4; k++, s >>= 64n) view.setBigUint64(8 * k, s & 0xffffffffffffffffn, true);
        const p = jac + i * jacobian;
        zero(p);
        for (let j = 0; j < WINDOWS; j++) {
          const d = bytes[j];
          if (d !== 0) addMixed(p, table + (j * DIGITS + d - 1) * affine, p);
        }
      }
      toAffine(jac, n, aff);
      out.set(e.tm.u8.subarray(aff, aff + n * affine), start * affine);
      // Let the event loop breathe between chunks (progress output, other tasks).
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    e.tm.u32[0] = mark;
  }
  return out;
}
