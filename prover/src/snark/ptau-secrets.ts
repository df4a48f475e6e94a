/**
 * The secrets τ, α, β of a local INSECURE ptau (ptau-local.ts), kept beside it in the cache as
 * `secrets.json` (mode 0600) so that key generation can compute each key point from its scalar
 * by one fixed-base multiplication instead of summing its wire's terms over the ptau's points
 * (zkey-direct.ts). This weakens nothing that was not weak already: a one-party ptau is
 * insecure because its maker could have kept τ (docs/architecture.md "Trusted setup"); here the
 * maker is this machine's cache, and keys made from it say "insecure setup" everywhere. A
 * ceremony ptau (`--ptau`) has no such file and takes the sparse sums.
 * The secrets are trusted only for the file whose points they give (checked in zkey-new.ts).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PtauSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

export const SECRETS_FILE = 'secrets.json';

/** Writes the secrets as `secrets.json` in `dir`, readable by the owner only. */
export function writePtauSecrets(dir: string, s: PtauSecrets): void {
  const path = join(dir, SECRETS_FILE);
  const body = { label: 'INSECURE: the secrets of the local powers of tau beside this file; whoever reads them can forge proofs for every key made from it', tau: s.tau.toString(16), alpha: s.alpha.toString(16), beta: s.beta.toString(16) };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The secrets kept beside the ptau at `ptauPath`, if any (unchecked: see zkey-new.ts). */
export function readPtauSecrets(ptauPath: string): PtauSecrets | undefined {
  const path = join(dirname(ptauPath), SECRETS_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const big = (v: unknown) => (typeof v === 'string' && /^[0-9a-f]{1,64}$/.test(v) ? BigInt(`0x${v}`) : undefined);
    const [tau, alpha, beta] = [big(j.tau), big(j.alpha), big(j.beta)];
    return tau && alpha && beta ? { tau, alpha, beta } : undefined;
  } catch {
    return undefined;
  }
}
