import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CommitmentSpec } from '../circuit/commitment-spec.ts';
import type { ConstraintSystem } from '../circuit/system.ts';
import { writeR1cs } from '../circuit/r1cs-writer.ts';
import { writeWtns } from '../circuit/wtns-writer.ts';
import { preparedPtau, requiredPtauPower, type PtauFile } from './ptau.ts';
import { groth16Setup, type SnarkjsVkey } from './setup.ts';
import { verifyStrict, type ProofResult } from './prove.ts';
import { proveWithEngine } from './engine.ts';

/** Everything needed to prove one circuit and to register it (manifest chunk fields). */
export interface CircuitKeys {
  r1csPath: string;
  /** SHA-256 (hex) of the .r1cs: the manifest's circuitHash. */
  circuitHash: string;
  constraints: number;
  zkeyPath: string;
  vkey: SnarkjsVkey;
  ptau: PtauFile;
}

export interface SetupCircuitOptions {
  /** Directory for `<name>.r1cs` and `<name>.zkey`. */
  dir: string;
  name?: string;
  /** A prepared ptau file (`--ptau`); default: a cached local INSECURE one of the needed power. */
  ptau?: string;
  /** Smallest local ptau power to use (so several circuits can share one file). */
  minPower?: number;
  cacheDir?: string;
  onProgress?: (msg: string) => void;
  /** The circuit's BSB22 commitment (committed wires, challenge wire), if it has one (docs/proof-format.md "Commitment"). */
  commitment?: CommitmentSpec;
}

/**
 * The shape of a circuit (built without a witness) → .r1cs → ptau → groth16 setup with a
 * contribution and a beacon, verified (see setup.ts). The one call the CLI and e2e tests need.
 */
export async function setupCircuit(shape: ConstraintSystem, opts: SetupCircuitOptions): Promise<CircuitKeys> {
  mkdirSync(opts.dir, { recursive: true });
  const name = opts.name ?? 'circuit';
  const r1csPath = join(opts.dir, `${name}.r1cs`);
  const { sha256: circuitHash } = writeR1cs(shape, r1csPath);
  const power = Math.max(opts.minPower ?? 1, requiredPtauPower(shape.nConstraints, shape.nPublic));
  const ptau = await preparedPtau({ ptau: opts.ptau, power, cacheDir: opts.cacheDir, onProgress: opts.onProgress });
  const zkeyPath = join(opts.dir, `${name}.zkey`);
  const { vkey } = await groth16Setup({ r1csPath, ptauPath: ptau.path, zkeyPath, onProgress: opts.onProgress, commitment: opts.commitment });
  return { r1csPath, circuitHash, constraints: shape.nConstraints, zkeyPath, vkey, ptau };
}

/**
 * Writes the witness of `cs` (built in witness mode, same shape as the keys) as a .wtns
 * beside the keys, proves (native prover or snarkjs, engine.ts) and checks the proof with the strict verifier
 * (a proof that does not verify is a RangeError, e.g. an unsatisfied witness).
 */
export async function proveCircuit(cs: ConstraintSystem, keys: CircuitKeys, options: { wtnsPath?: string; singleThread?: boolean } = {}): Promise<ProofResult> {
  const wtnsPath = options.wtnsPath ?? keys.zkeyPath.replace(/\.zkey$/, '') + '.wtns';
  writeWtns(cs, wtnsPath);
  const result = await proveWithEngine(keys.zkeyPath, wtnsPath, { singleThread: options.singleThread });
  if (!verifyStrict(keys.vkey, result.publicSignals, result.proof)) {
    throw new RangeError(`proveCircuit ${keys.r1csPath}: the proof does not verify (is the witness satisfied? see findUnsatisfied)`);
  }
  return result;
}
