import { closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { writeLocalPtau } from './ptau-local.ts';
import { TWO_ADICITY } from './ptau-scalars.ts';

/** A prepared powers-of-tau file and its identity (the manifest's `ptau` field). */
export interface PtauFile {
  path: string;
  power: number;
  sha256: string;
  /** True for a local one-party file (whoever made it could forge proofs). */
  insecure: boolean;
}

/** The user's zkinfer cache directory: $XDG_CACHE_HOME/zkinfer or ~/.cache/zkinfer. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'zkinfer');
}

/**
 * The ptau power groth16 setup needs for a circuit: snarkjs zkey new uses the domain
 * 2^cirPower with cirPower = ⌊log2(nConstraints + nPublic)⌋ + 1 (one extra row per public
 * input and ONE), and requires cirPower ≤ power.
 */
export function requiredPtauPower(nConstraints: number, nPublic: number): number {
  const n = nConstraints + nPublic;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`requiredPtauPower: nConstraints + nPublic = ${n}`);
  return Math.floor(Math.log2(n)) + 1;
}

/**
 * Header of a .ptau file: its power, whether it holds the phase-2 Lagrange sections
 * (12–15), and how many contributions section 7 records (our local files record none).
 */
export function readPtauHeader(path: string): { power: number; prepared: boolean; contributions: number } {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString('latin1', 0, 4) !== 'ptau') throw new TypeError(`${path}: not a .ptau file (magic ${JSON.stringify(head.toString('latin1', 0, 4))})`);
    const nSections = head.readUInt32LE(8);
    let pos = 12;
    let power = -1;
    let contributions = 0;
    const ids = new Set<number>();
    const sh = Buffer.alloc(12);
    for (let i = 0; i < nSections; i++) {
      if (readSync(fd, sh, 0, 12, pos) !== 12) throw new TypeError(`${path}: truncated section table`);
      const id = sh.readUInt32LE(0);
      const size = sh.readUInt32LE(4) + sh.readUInt32LE(8) * 2 ** 32;
      ids.add(id);
      if (id === 1) {
        const h = Buffer.alloc(44);
        readSync(fd, h, 0, 44, pos + 12);
        if (h.readUInt32LE(0) !== 32) throw new TypeError(`${path}: header n8 ${h.readUInt32LE(0)} is not 32 (not BN254)`);
        power = h.readUInt32LE(36);
      }
      if (id === 7) {
        const c = Buffer.alloc(4);
        readSync(fd, c, 0, 4, pos + 12);
        contributions = c.readUInt32LE(0);
      }
      pos += 12 + size;
    }
    if (power < 0) throw new TypeError(`${path}: no header section`);
    return { power, prepared: [12, 13, 14, 15].every((s) => ids.has(s)), contributions };
  } finally {
    closeSync(fd);
  }
}

export async function sha256File(path: string): Promise<string> {
  const h = sha256.create();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return Buffer.from(h.digest()).toString('hex');
}

export interface PtauOptions {
  /** A prepared ptau file (e.g. the public Hermez / Perpetual Powers of Tau file): `--ptau`. */
  ptau?: string;
  /** Smallest power the circuit needs (see requiredPtauPower). */
  power: number;
  cacheDir?: string;
  /** Progress lines; default: printed on stderr (a local file takes a while to make). */
  onProgress?: (msg: string) => void;
}

/**
 * The ptau to set up a circuit with: the given prepared file (checked: BN254, prepared,
 * power large enough), or a local INSECURE one of exactly `power`, made once and cached
 * under `<cacheDir>/ptau/` (DESIGN.md "Trusted setup").
 */
export async function preparedPtau(opts: PtauOptions): Promise<PtauFile> {
  const { power } = opts;
  if (!Number.isInteger(power) || power < 1 || power >= TWO_ADICITY) throw new RangeError(`ptau power ${power} not in [1, ${TWO_ADICITY - 1}]`);
  if (opts.ptau) {
    const header = readPtauHeader(opts.ptau);
    if (!header.prepared) throw new RangeError(`${opts.ptau}: not prepared for phase 2 (no sections 12–15); run snarkjs powersoftau prepare phase2`);
    if (header.power < power) throw new RangeError(`${opts.ptau}: power ${header.power} is too small, the circuit needs 2^${power}`);
    // A file without recorded contributions is a local one-party file (like ours): insecure.
    return { path: opts.ptau, power: header.power, sha256: await sha256File(opts.ptau), insecure: header.contributions === 0 };
  }
  const root = join(opts.cacheDir ?? defaultCacheDir(), 'ptau');
  mkdirSync(root, { recursive: true });
  const dir = join(root, `insecure-local-bn128-${power}`);
  const path = join(dir, 'pot.ptau');
  const cached = readMeta(dir, power);
  if (cached) return { path, power, sha256: cached, insecure: true };
  const progress = opts.onProgress ?? ((msg: string) => void process.stderr.write(`${msg}\n`));
  progress(`making a local INSECURE powers-of-tau file 2^${power} (one-party setup, for development only) in ${dir}`);
  // Made in a scratch directory and renamed into place in one step: concurrent processes
  // never see a ptau without its metadata, nor one file replaced under another's key.
  const scratch = mkdtempSync(join(root, 'tmp-'));
  try {
    const made = await writeLocalPtau(join(scratch, 'pot.ptau'), power, progress);
    const meta = { label: 'INSECURE local powers of tau (one party; secrets erased after use)', power, sha256: made.sha256, createdAt: new Date().toISOString() };
    writeFileSync(join(scratch, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    try {
      renameSync(scratch, dir);
    } catch {
      // another process placed its file first: use that one
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const sha = readMeta(dir, power);
  if (!sha) throw new RangeError(`${dir}: local ptau cache entry is incomplete`);
  return { path, power, sha256: sha, insecure: true };
}

function readMeta(dir: string, power: number): string | undefined {
  if (!existsSync(join(dir, 'pot.ptau')) || !existsSync(join(dir, 'meta.json'))) return undefined;
  const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { sha256?: unknown; power?: unknown };
  return m.power === power && typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256) ? m.sha256 : undefined;
}
