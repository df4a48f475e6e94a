import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { mod, R } from '../circuit/field.ts';
import { BinFileWriter, toHex } from '../circuit/binfile.ts';
import { geometric, lagrangeAtTau, TWO_ADICITY } from './ptau-scalars.ts';
import { mulGenerator, type Group } from './fixed-base.ts';

/** BN254 base field prime q (EIP-196), the ptau header's prime. */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const G1_BYTES = 64;
const G2_BYTES = 128;
/** A uniformly random non-zero element of F_r (512 random bits reduced: bias < 2^-250). */
function randomNonZero(): bigint {
  for (;;) {
    const x = mod(BigInt(`0x${randomBytes(64).toString('hex')}`));
    if (x !== 0n) return x;
  }
}

export interface LocalPtauResult {
  path: string;
  power: number;
  /** SHA-256 (hex) of the file: the manifest's `ptau.sha256`. */
  sha256: string;
}

/**
 * Writes a prepared (phase-2 ready) powers-of-tau file of 2^power for a one-party local
 * "ceremony" — INSECURE: whoever ran it could have kept τ (DESIGN.md "Trusted setup").
 *
 * Layout, as snarkjs 0.7.6 writes it (powersoftau_new.js, powersoftau_preparephase2.js)
 * with N = 2^power, all points affine LEM: 1 header (n8, q, power, ceremonyPower);
 * 2 tauG1 τ^i·G1, i < 2N−1; 3 tauG2 τ^i·G2, i < N; 4 alphaTauG1 α·τ^i·G1; 5 betaTauG1;
 * 6 betaG2 β·G2; 7 contributions (none recorded); 12–15 the Lagrange forms of 2–5 for every
 * level 2^p, p = 0…power, concatenated (level p at offset 2^p − 1 points), plus for 12 the
 * level 2^(power+1) (zkey new takes the quotient points from its odd entries).
 * Every point is scalar·generator with the scalar computed in F_r (ptau-scalars.ts).
 * The secrets live only in local variables, dropped (overwritten) before returning; JS
 * bigints cannot be wiped from memory, so the process should not be shared.
 */
export async function writeLocalPtau(path: string, power: number, onProgress: (msg: string) => void = () => {}): Promise<LocalPtauResult> {
  if (!Number.isInteger(power) || power < 1 || power >= TWO_ADICITY) throw new RangeError(`writeLocalPtau: power ${power} not in [1, ${TWO_ADICITY - 1}]`);
  const N = 2 ** power;
  let tau = randomNonZero();
  let alpha = randomNonZero();
  let beta = randomNonZero();
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const w = new BinFileWriter(tmp);
  try {
    w.header('ptau', 1, 11);
    w.section(1, 4 + 32 + 4 + 4);
    w.u32(32);
    w.fieldElement(Q);
    w.u32(power);
    w.u32(power);

    const step = async (id: number, name: string, group: Group, scalars: readonly bigint[]): Promise<void> => {
      onProgress(`ptau 2^${power}: section ${id} ${name} (${scalars.length} ${group} points)`);
      w.section(id, scalars.length * (group === 'G1' ? G1_BYTES : G2_BYTES));
      w.bytes(await mulGenerator(group, scalars));
    };
    await step(2, 'tauG1', 'G1', geometric(1n, tau, 2 * N - 1));
    await step(3, 'tauG2', 'G2', geometric(1n, tau, N));
    await step(4, 'alphaTauG1', 'G1', geometric(alpha, tau, N));
    await step(5, 'betaTauG1', 'G1', geometric(beta, tau, N));
    await step(6, 'betaG2', 'G2', [beta]);
    w.section(7, 4);
    w.u32(0);

    const levels = (factor: bigint, extraLevel: boolean): bigint[] => {
      const all: bigint[] = [];
      for (let p = 0; p <= power; p++) for (const l of lagrangeAtTau(tau, p)) all.push(factor === 1n ? l : (l * factor) % R);
      if (extraLevel) for (const l of lagrangeAtTau(tau, power + 1, true)) all.push(l);
      return all;
    };
    await step(12, 'lagrange tauG1', 'G1', levels(1n, true));
    await step(13, 'lagrange tauG2', 'G2', levels(1n, false));
    await step(14, 'lagrange alphaTauG1', 'G1', levels(alpha, false));
    await step(15, 'lagrange betaTauG1', 'G1', levels(beta, false));
  } catch (err) {
    w.close();
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    tau = alpha = beta = 0n;
  }
  const digest = w.close();
  renameSync(tmp, path);
  return { path, power, sha256: toHex(digest) };
}
