import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { mod, R } from '../circuit/field.ts';
import { BinFileWriter, toHex } from '../circuit/binfile.ts';
import { geometric, lagrangeAtTau, TWO_ADICITY } from './ptau-scalars.ts';
import type { Group } from './fixed-base.ts';
import { generatorMultiples } from './generator-multiples.ts';
import { writePtauSecrets } from './ptau-secrets.ts';

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
 * The Lagrange levels (sections 12–15 of a prepared ptau) that `groth16 setup` reads for a
 * circuit of domain 2^k (snarkjs 0.7.6 zkey_new.js, our zkey-new.ts): level k of
 * sections 12, 13, 14, 15 (the A, B, C, IC points) and level k + 1 of section 12, whose odd
 * entries are the quotient (H) points — for k = power that is the extra level 2^(power+1).
 * Nothing else that setup, `zkey verify` or proving does reads sections 12–15.
 */
export interface LagrangeLevels {
  /** Levels of sections 13, 14, 15 and 12 that hold real points. */
  readonly levels: ReadonlySet<number>;
  /** Further levels of section 12 only (k + 1 for each domain k; power + 1 means the extra level). */
  readonly tauG1Levels: ReadonlySet<number>;
}

/** The levels to write for circuits of domains 2^k, k ∈ `domains` (1 ≤ k ≤ power). */
export function lagrangeLevelsFor(power: number, domains: readonly number[]): LagrangeLevels {
  if (domains.length === 0) throw new RangeError('lagrangeLevelsFor: no domain given');
  for (const k of domains) {
    if (!Number.isInteger(k) || k < 1 || k > power) throw new RangeError(`lagrangeLevelsFor: domain power ${k} not in [1, ${power}]`);
  }
  return { levels: new Set(domains), tauG1Levels: new Set(domains.map((k) => k + 1)) };
}

/**
 * Writes a prepared (phase-2 ready) powers-of-tau file of 2^power for a one-party local
 * "ceremony" — INSECURE: whoever ran it could have kept τ (docs/architecture.md "Trusted setup").
 *
 * Layout, as snarkjs 0.7.6 writes it (powersoftau_new.js, powersoftau_preparephase2.js)
 * with N = 2^power, all points affine LEM: 1 header (n8, q, power, ceremonyPower);
 * 2 tauG1 τ^i·G1, i < 2N−1; 3 tauG2 τ^i·G2, i < N; 4 alphaTauG1 α·τ^i·G1; 5 betaTauG1;
 * 6 betaG2 β·G2; 7 contributions (none recorded); 12–15 the Lagrange forms of 2–5 for every
 * level 2^p, p = 0…power, concatenated (level p at offset 2^p − 1 points), plus for 12 the
 * level 2^(power+1) (zkey new takes the quotient points from its odd entries).
 * Every point is scalar·generator with the scalar computed in F_r (ptau-scalars.ts), on the
 * native comb where built (generator-multiples.ts).
 *
 * With `only` (lagrangeLevelsFor), the Lagrange sections hold real points only at those
 * levels; every other level is all zero bytes — the point at infinity in this encoding —
 * in the same layout, so offsets are unchanged. Such a file sets up circuits of those
 * domains only (the same keys as a full file with the same secrets would give) and nothing
 * records the levels inside it: groth16Setup checks the levels it reads
 * (assertPtauLevel in ptau.ts refuses a level of points at infinity) and preparedPtau
 * names the cache entry by its levels. Sections 2–6 are always complete.
 * The secrets live only in local variables, dropped (overwritten) before returning — unless
 * `keepSecretsIn` names a directory: then they are written there (ptau-secrets.ts, for faster
 * key generation from this insecure file). JS bigints cannot be wiped from memory, so the
 * process should not be shared.
 */
export async function writeLocalPtau(path: string, power: number, onProgress: (msg: string) => void = () => {}, only?: LagrangeLevels, keepSecretsIn?: string): Promise<LocalPtauResult> {
  const secrets = { tau: randomNonZero(), alpha: randomNonZero(), beta: randomNonZero() };
  try {
    const made = await writePtauWithSecrets(path, power, secrets, onProgress, only);
    if (keepSecretsIn) writePtauSecrets(keepSecretsIn, secrets);
    return made;
  } finally {
    secrets.tau = secrets.alpha = secrets.beta = 0n;
  }
}

/**
 * writeLocalPtau's deterministic core: the file for given secrets τ, α, β (non-zero).
 * Only tests call it directly (e.g. to compare a file of some levels with the complete
 * file of the same secrets); a real file must come from fresh secrets, as above.
 */
export async function writePtauWithSecrets(path: string, power: number, secrets: { tau: bigint; alpha: bigint; beta: bigint }, onProgress: (msg: string) => void = () => {}, only?: LagrangeLevels): Promise<LocalPtauResult> {
  if (!Number.isInteger(power) || power < 1 || power >= TWO_ADICITY) throw new RangeError(`writeLocalPtau: power ${power} not in [1, ${TWO_ADICITY - 1}]`);
  for (const [name, v] of Object.entries(secrets)) {
    if (typeof v !== 'bigint' || v <= 0n || v >= R) throw new RangeError(`writeLocalPtau: secret ${name} not in [1, r)`);
  }
  if (only) {
    for (const k of only.levels) if (!Number.isInteger(k) || k < 0 || k > power) throw new RangeError(`writeLocalPtau: Lagrange level ${k} not in [0, ${power}]`);
    for (const k of only.tauG1Levels) if (!Number.isInteger(k) || k < 0 || k > power + 1) throw new RangeError(`writeLocalPtau: tauG1 Lagrange level ${k} not in [0, ${power + 1}]`);
  }
  const N = 2 ** power;
  let { tau, alpha, beta } = secrets;
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
      w.bytes(await generatorMultiples(group, scalars));
    };
    await step(2, 'tauG1', 'G1', geometric(1n, tau, 2 * N - 1));
    await step(3, 'tauG2', 'G2', geometric(1n, tau, N));
    await step(4, 'alphaTauG1', 'G1', geometric(alpha, tau, N));
    await step(5, 'betaTauG1', 'G1', geometric(beta, tau, N));
    await step(6, 'betaG2', 'G2', [beta]);
    w.section(7, 4);
    w.u32(0);

    // A Lagrange section: the levels in `want` computed, every other one left all zero
    // (the point at infinity), each level p at its layout offset 2^p − 1.
    const lagrange = async (id: number, name: string, group: Group, factor: bigint, top: number, want: (p: number) => boolean): Promise<void> => {
      const size = group === 'G1' ? G1_BYTES : G2_BYTES;
      const scalars: bigint[] = [];
      const real: number[] = [];
      for (let p = 0; p <= top; p++) {
        if (!want(p)) continue;
        real.push(p);
        // The extra level power + 1 of section 12 interpolates τ^0 … τ^(2N−2), 0 (see lagrangeAtTau).
        for (const l of lagrangeAtTau(tau, p, p === power + 1)) scalars.push(factor === 1n ? l : (l * factor) % R);
      }
      const total = 2 ** (top + 1) - 1;
      const missing = only ? `; levels ${real.join(', ')} only, the rest points at infinity` : '';
      onProgress(`ptau 2^${power}: section ${id} ${name} (${scalars.length} ${group} points${missing})`);
      const points = await generatorMultiples(group, scalars);
      w.section(id, total * size);
      let src = 0;
      for (let p = 0; p <= top; p++) {
        const n = 2 ** p;
        if (real.includes(p)) {
          w.bytes(points.subarray(src, src + n * size));
          src += n * size;
        } else {
          w.bytes(new Uint8Array(n * size));
        }
      }
    };
    const main = (p: number) => !only || only.levels.has(p);
    const tauG1 = (p: number) => main(p) || (only?.tauG1Levels.has(p) ?? false);
    await lagrange(12, 'lagrange tauG1', 'G1', 1n, power + 1, tauG1);
    await lagrange(13, 'lagrange tauG2', 'G2', 1n, power, main);
    await lagrange(14, 'lagrange alphaTauG1', 'G1', alpha, power, main);
    await lagrange(15, 'lagrange betaTauG1', 'G1', beta, power, main);
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
