/**
 * The H term of the circuit hash `zkey new` writes (zkey-new.ts): the uncompressed points
 * U(τ^(N+i)·G1 − τ^i·G1) from the ptau's section 2 (tauG1 powers), as bellman hashes the
 * quotient bases τ^i·(τ^N − 1)·G1.
 *
 * snarkjs 0.7.6 (zkey_new.js, hashHPoints) takes them in chunks of 2^14 points and does not
 * shorten the last chunk: for N − 1 > 2^14 it hashes a whole number of chunks (for N a power
 * of two, N differences) under the count N − 1. `zkey verify` recomputes and compares that
 * hash, so we hash the same entries. When N is the ptau's own power the last one's first
 * operand, τ^(2N−1)·G1, lies past section 2 (which holds 2N − 1 points): it is the 64 bytes
 * that follow in the file (section 3's 12-byte header, then τG2[0]'s first 52 bytes), whose
 * coordinates read as Montgomery field elements exceed 2q. That is not a point and its
 * "difference" is no curve arithmetic: ffjavascript's wasm and our native field code make
 * different bytes of it, and neither is the chord formula mod q (bench/phase2.ts at 2^15 found
 * native keys with another hash; test/prover/native/setup.test.ts). Those entries are
 * therefore computed on a private instance of the very wasm snarkjs runs, whatever the
 * engine; the real differences go to the engine.
 */
import { engineSource } from './fixed-base.ts';
import { getEngine } from './fixed-base-core.ts';
import type { PtauReader } from './ptau-reader.ts';
import type { SetupPool } from './setup-engine.ts';
import { differencesOn } from './zkey-compose-core.ts';

const HASH_CHUNK = 1 << 14;
const G1 = 64;

/** How many H differences snarkjs's zkey new hashes for a domain of N rows (see above). */
export function snarkjsHashedH(N: number): number {
  return N - 1 > HASH_CHUNK ? Math.ceil((N - 1) / HASH_CHUNK) * HASH_CHUNK : N - 1;
}

/** The wasm instance for the entries that are not points (one per process, on this thread). */
async function wasmEngine() {
  return getEngine(await engineSource());
}

/**
 * U(a_i − b_i) for i < `hashed` (default: snarkjs's count), a_i the 64 bytes at point N + i of
 * section 2 (past its end where it ends), b_i point i: the real ones on `pool`, the rest on wasm.
 */
export async function hashedHDifferences(ptau: PtauReader, N: number, pool: SetupPool, hashed = snarkjsHashedH(N)): Promise<Uint8Array> {
  const inSection = Math.max(0, Math.min(hashed, ptau.size(2) / G1 - N));
  const a = ptau.read(2, N * G1, hashed * G1, true);
  const b = ptau.read(2, 0, hashed * G1);
  const out = new Uint8Array(hashed * G1);
  if (inSection > 0) out.set(await pool.differences(a.subarray(0, inSection * G1), b.subarray(0, inSection * G1)), 0);
  if (inSection < hashed) out.set(differencesOn(await wasmEngine(), a.subarray(inSection * G1), b.subarray(inSection * G1)), inSection * G1);
  return out;
}
