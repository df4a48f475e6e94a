import * as snarkjs from 'snarkjs';
import { runSnark } from './errors.ts';

/** What snarkjs reads from an .r1cs header. */
export interface R1csInfo {
  nVars: number;
  nConstraints: number;
  nPubInputs: number;
  nPrvInputs: number;
  nOutputs: number;
  nLabels: number;
  prime: bigint;
}

/** `snarkjs r1cs info`: parses the whole file (header and every constraint) with snarkjs. */
export async function r1csInfo(r1csPath: string): Promise<R1csInfo> {
  const cir = await runSnark<R1csInfo & { constraints: unknown[]; nLabels: number | bigint; prime: bigint }>(`snarkjs r1cs info ${r1csPath}`, (logger) => snarkjs.r1cs.info(r1csPath, logger));
  if (cir.constraints.length !== cir.nConstraints) {
    throw new RangeError(`r1cs info ${r1csPath}: header says ${cir.nConstraints} constraints, read ${cir.constraints.length}`);
  }
  return {
    nVars: cir.nVars,
    nConstraints: cir.nConstraints,
    nPubInputs: cir.nPubInputs,
    nPrvInputs: cir.nPrvInputs,
    nOutputs: cir.nOutputs,
    nLabels: Number(cir.nLabels),
    prime: BigInt(cir.prime),
  };
}

/** `snarkjs wtns check`: true when the witness satisfies every constraint of the .r1cs. */
export async function wtnsCheck(r1csPath: string, wtnsPath: string): Promise<boolean> {
  return runSnark<boolean>(`snarkjs wtns check ${r1csPath} ${wtnsPath}`, (logger) => snarkjs.wtns.check(r1csPath, wtnsPath, logger));
}
