/**
 * Which engine runs the point arithmetic of our phase-2 setup (zkey-new.ts, the contribution's
 * 1/δ in zkey-contribute.ts, the key check's MSMs in zkey-check.ts): the native one
 * (prover/native, `zkinfer-prover setup`) by default, the wasm worker pool over ffjavascript
 * (zkey-compose.ts) where the native build is missing or stale or `ZKINFER_PROVER=snarkjs` —
 * the same choice, from the same function, as for proving (engine.ts). Both write the same
 * bytes (tests compare them).
 */
import { availableParallelism } from 'node:os';
import type { Group } from './fixed-base-core.ts';
import { chosenEngine, type ProverEngine } from './engine.ts';
import { NativeSetup } from './native-setup.ts';
import { ComposePool } from './zkey-compose.ts';
import type { ComposeInit } from './zkey-compose-core.ts';

/** The operations setup needs, whichever engine computes them (formats: zkey-compose-core.ts). */
export interface SetupPool {
  compose(group: Group, counts: Uint32Array, terms: Uint32Array): Promise<{ lem: Uint8Array; u: Uint8Array }>;
  scale(points: Uint8Array, scalar: Uint8Array): Promise<Uint8Array>;
  differences(a: Uint8Array, b: Uint8Array): Promise<Uint8Array>;
  /** k_i·G by a fixed-base comb (LEM and U), where the engine has one (native): zkey-direct.ts. */
  comb?(group: Group, generator: Uint8Array, scalars: Uint8Array): Promise<{ lem: Uint8Array; u: Uint8Array }>;
  close(): Promise<void>;
}

/**
 * The engine for setup: the same choice as for proving (engine.ts chosenEngine) — native where
 * it is built and current, else the wasm pool announced in one line; ZKINFER_PROVER=snarkjs
 * forces the wasm pool, ZKINFER_PROVER=native the native engine (an error where it cannot run).
 */
export function setupEngine(env: NodeJS.ProcessEnv = process.env): ProverEngine {
  return chosenEngine(env);
}

/**
 * A pool holding the sources and coefficients, on `engine` (default: setupEngine()).
 * `threads`: native threads or wasm workers (default: all cores; wasm at most 4).
 */
export async function startSetupPool(init: Omit<ComposeInit, 'engine'>, threads?: number, engine: ProverEngine = setupEngine()): Promise<SetupPool> {
  if (engine === 'snarkjs') return ComposePool.start(init, threads);
  const native = new NativeSetup(threads ?? availableParallelism());
  try {
    await native.init(init);
  } catch (err) {
    await native.close();
    throw err;
  }
  return native;
}
