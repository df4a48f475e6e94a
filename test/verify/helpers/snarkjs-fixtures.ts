import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { assertSatisfied } from '@zkinfer/prover/circuit/check.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';

/**
 * Real Groth16 keys and proofs for the differential tests: small circuits built with the
 * prover's ConstraintSystem, written as iden3 .r1cs/.wtns by its writers, set up and proven
 * by snarkjs itself. The tiny ptau (2^8, one contribution) is cached across runs.
 */

const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/zkinfer/verify-tests/', import.meta.url));
const PTAU_POWER = 8;

let ptauPromise: Promise<string> | undefined;

/** A prepared 2^8 powers-of-tau file (insecure, test only), made once and cached. */
export function cachedPtau(): Promise<string> {
  ptauPromise ??= (async () => {
    mkdirSync(CACHE, { recursive: true });
    const final = join(CACHE, `pot${PTAU_POWER}_final.ptau`);
    if (existsSync(final)) return final;
    const tag = `${process.pid}-${Date.now()}`;
    const p0 = join(CACHE, `pot-${tag}-0.ptau`);
    const p1 = join(CACHE, `pot-${tag}-1.ptau`);
    const p2 = join(CACHE, `pot-${tag}-2.ptau`);
    const curve = await snarkjs.curves.getCurveFromName('bn128');
    await snarkjs.powersOfTau.newAccumulator(curve, PTAU_POWER, p0);
    await snarkjs.powersOfTau.contribute(p0, p1, 'verify tests', 'entropy for the insecure test ptau');
    await snarkjs.powersOfTau.preparePhase2(p1, p2);
    renameSync(p2, final); // atomic: a concurrent run sees a whole file or none
    rmSync(p0, { force: true });
    rmSync(p1, { force: true });
    return final;
  })();
  return ptauPromise;
}

export interface SnarkjsCircuit {
  /** Verification key JSON with one phase-2 contribution (snarkjs output, untouched). */
  vkey: Record<string, unknown>;
  /** Verification key JSON straight after `groth16 setup`: no contribution, δ = γ = g2. */
  vkeyNoContribution: Record<string, unknown>;
  zkey: string;
  /** Proves with this witness (public inputs first) and returns snarkjs's JSON. */
  prove(publicValues: readonly bigint[], privateValues: readonly bigint[]): Promise<{ proof: Record<string, unknown>; publicSignals: string[] }>;
}

/**
 * Builds a circuit in `dir` from `define(cs, publics, privates)`, which must add constraints
 * over nPublic public inputs and the given private inputs, then sets it up with snarkjs.
 */
export async function snarkjsCircuit(
  dir: string,
  name: string,
  nPublic: number,
  nPrivate: number,
  define: (cs: ConstraintSystem, pub: ReturnType<ConstraintSystem['publicInput']>[], prv: ReturnType<ConstraintSystem['privateInput']>[]) => void,
): Promise<SnarkjsCircuit> {
  const build = (witness: boolean, pubValues?: readonly bigint[], prvValues?: readonly bigint[]) => {
    const cs = new ConstraintSystem({ witness });
    const pub = Array.from({ length: nPublic }, (_, i) => cs.publicInput(`pub${i}`, pubValues?.[i]));
    const prv = Array.from({ length: nPrivate }, (_, i) => cs.privateInput(`prv${i}`, prvValues?.[i]));
    define(cs, pub, prv);
    return cs;
  };
  const r1cs = join(dir, `${name}.r1cs`);
  writeR1cs(build(false), r1cs);
  const ptau = await cachedPtau();
  const zkey0 = join(dir, `${name}_0.zkey`);
  const zkey1 = join(dir, `${name}_1.zkey`);
  await snarkjs.zKey.newZKey(r1cs, ptau, zkey0);
  await snarkjs.zKey.contribute(zkey0, zkey1, 'verify tests', `entropy ${name}`);
  const vkey = await snarkjs.zKey.exportVerificationKey(zkey1);
  const vkeyNoContribution = await snarkjs.zKey.exportVerificationKey(zkey0);
  let n = 0;
  return {
    vkey,
    vkeyNoContribution,
    zkey: zkey1,
    async prove(publicValues, privateValues) {
      const cs = build(true, publicValues, privateValues);
      assertSatisfied(cs);
      const wtns = join(dir, `${name}-${n++}.wtns`);
      writeWtns(cs, wtns);
      return snarkjs.groth16.prove(zkey1, wtns);
    },
  };
}

/** snarkjs's own verdict (it logs to a logger we silence). */
export async function snarkjsVerify(vkey: unknown, publicSignals: unknown, proof: unknown): Promise<boolean> {
  const quiet = { error() {}, warn() {}, info() {}, debug() {}, log() {} };
  try {
    return (await snarkjs.groth16.verify(vkey, publicSignals, proof, quiet)) === true;
  } catch {
    return false; // snarkjs throws on some malformed inputs (e.g. more signals than IC points)
  }
}
