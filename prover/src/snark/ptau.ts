import { closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { lagrangeLevelsFor, writeLocalPtau } from './ptau-local.ts';
import { TWO_ADICITY } from './ptau-scalars.ts';
import { ZkinferError } from '../errors.ts';

/** A prepared powers-of-tau file and its identity (the manifest's `ptau` field). */
export interface PtauFile {
  path: string;
  power: number;
  sha256: string;
  /** True for a local one-party file (whoever made it could forge proofs). */
  insecure: boolean;
  /**
   * Set for a local file made for these circuit domains 2^k only (its other Lagrange levels
   * are points at infinity, see writeLocalPtau); absent when every level is real.
   */
  levels?: number[];
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

/** A binfile's sections: id → [byte offset of the payload, payload size]. */
function sectionTable(fd: number, path: string, magic: string): Map<number, [number, number]> {
  const head = Buffer.alloc(12);
  readSync(fd, head, 0, 12, 0);
  if (head.toString('latin1', 0, 4) !== magic) throw new ZkinferError('bad_input', `${path}: not a .${magic} file (magic ${JSON.stringify(head.toString('latin1', 0, 4))})`);
  const nSections = head.readUInt32LE(8);
  const table = new Map<number, [number, number]>();
  const sh = Buffer.alloc(12);
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (readSync(fd, sh, 0, 12, pos) !== 12) throw new ZkinferError('bad_input', `${path}: truncated section table`);
    const id = sh.readUInt32LE(0);
    const size = sh.readUInt32LE(4) + sh.readUInt32LE(8) * 2 ** 32;
    if (!table.has(id)) table.set(id, [pos + 12, size]);
    pos += 12 + size;
  }
  return table;
}

function withFile<T>(path: string, f: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return f(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Header of a .ptau file: its power, whether it holds the phase-2 Lagrange sections
 * (12–15), and how many contributions section 7 records (our local files record none).
 */
export function readPtauHeader(path: string): { power: number; prepared: boolean; contributions: number } {
  return withFile(path, (fd) => {
    const sections = sectionTable(fd, path, 'ptau');
    const header = sections.get(1);
    if (!header) throw new ZkinferError('bad_input', `${path}: no header section`);
    const h = Buffer.alloc(44);
    readSync(fd, h, 0, 44, header[0]);
    if (h.readUInt32LE(0) !== 32) throw new ZkinferError('bad_input', `${path}: header n8 ${h.readUInt32LE(0)} is not 32 (not BN254)`);
    const power = h.readUInt32LE(36);
    let contributions = 0;
    const c = sections.get(7);
    if (c) {
      const b = Buffer.alloc(4);
      readSync(fd, b, 0, 4, c[0]);
      contributions = b.readUInt32LE(0);
    }
    return { power, prepared: [12, 13, 14, 15].every((id) => sections.has(id)), contributions };
  });
}

/**
 * The domain power snarkjs zkey new gives the circuit of an .r1cs (requiredPtauPower of its
 * header's constraints and public inputs + outputs).
 */
export function r1csDomainPower(r1csPath: string): number {
  return withFile(r1csPath, (fd) => {
    const header = sectionTable(fd, r1csPath, 'r1cs').get(1);
    if (!header) throw new TypeError(`${r1csPath}: no header section`);
    const n8b = Buffer.alloc(4);
    readSync(fd, n8b, 0, 4, header[0]);
    const n8 = n8b.readUInt32LE(0);
    // n8, prime, nWires, nPubOut, nPubIn, nPrvIn, nLabels (u64), nConstraints
    const h = Buffer.alloc(4 * 4 + 8 + 4);
    if (readSync(fd, h, 0, h.length, header[0] + 4 + n8) !== h.length) throw new TypeError(`${r1csPath}: truncated header`);
    return requiredPtauPower(h.readUInt32LE(24), h.readUInt32LE(4) + h.readUInt32LE(8));
  });
}

/**
 * Refuses (RangeError naming the level) a ptau that cannot set up a circuit of domain 2^k:
 * power below k, or a Lagrange point that `zkey new` would read — level k of sections
 * 12–15, the odd entries of level k + 1 of section 12 — encoded as the point at infinity
 * (all zero bytes). A real ceremony has no such point (L_i(τ) = 0 only if τ is a root of
 * unity); our local files made for other levels have nothing else there (writeLocalPtau),
 * and keys made from them would be broken, and possibly forgeable.
 */
export function assertPtauLevel(ptauPath: string, k: number): void {
  const { power } = readPtauHeader(ptauPath);
  if (!Number.isInteger(k) || k < 1 || k > power) throw new RangeError(`${ptauPath}: cannot set up a circuit of domain 2^${k}: the file has power ${power}`);
  withFile(ptauPath, (fd) => {
    const sections = sectionTable(fd, ptauPath, 'ptau');
    const check = (id: number, size: number, level: number, oddOnly: boolean): void => {
      const sec = sections.get(id);
      const n = 2 ** level;
      const first = n - 1;
      if (!sec || sec[1] < (first + n) * size) throw new RangeError(`${ptauPath}: section ${id} has no Lagrange level 2^${level}`);
      const buf = Buffer.alloc(n * size);
      readSync(fd, buf, 0, buf.length, sec[0] + first * size);
      for (let i = oddOnly ? 1 : 0; i < n; i += oddOnly ? 2 : 1) {
        let zero = true;
        for (let b = i * size; b < (i + 1) * size && zero; b++) zero = buf[b] === 0;
        if (zero) {
          throw new RangeError(`${ptauPath}: Lagrange level 2^${level} of section ${id} is not in this file (point ${i} is at infinity): it cannot set up a circuit of domain 2^${k}`);
        }
      }
    };
    for (const id of [12, 13, 14, 15]) check(id, id === 13 ? 128 : 64, k, false);
    check(12, 64, k + 1, true);
  });
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
  /**
   * The domain powers k of the circuits to set up (each ≤ power), if known: a local file
   * is then made with only the Lagrange levels those read (writeLocalPtau), unless a
   * complete one of this power is cached already. Ignored with `ptau` (groth16Setup checks
   * any file's levels with assertPtauLevel).
   */
  levels?: readonly number[];
  cacheDir?: string;
  /** Progress lines; default: printed on stderr (a local file takes a while to make). */
  onProgress?: (msg: string) => void;
}

/**
 * The ptau to set up a circuit with: the given prepared file (checked: BN254, prepared,
 * power large enough), or a local INSECURE one of exactly `power`, made once and cached
 * under `<cacheDir>/ptau/` (docs/architecture.md "Trusted setup"): a complete one if cached, else one
 * with only the Lagrange levels of `levels` when given (entry `…-levels-k1-k2`), else a
 * complete one.
 */
export async function preparedPtau(opts: PtauOptions): Promise<PtauFile> {
  const { power } = opts;
  if (!Number.isInteger(power) || power < 1 || power >= TWO_ADICITY) throw new RangeError(`ptau power ${power} not in [1, ${TWO_ADICITY - 1}]`);
  if (opts.ptau) {
    const header = readPtauHeader(opts.ptau);
    if (!header.prepared) throw new ZkinferError('bad_input', `${opts.ptau}: not prepared for phase 2 (no sections 12–15); run snarkjs powersoftau prepare phase2`);
    if (header.power < power) throw new ZkinferError('bad_input', `${opts.ptau}: power ${header.power} is too small, the circuit needs 2^${power}`);
    // A file without recorded contributions is a local one-party file (like ours): insecure.
    return { path: opts.ptau, power: header.power, sha256: await sha256File(opts.ptau), insecure: header.contributions === 0 };
  }
  const root = join(opts.cacheDir ?? defaultCacheDir(), 'ptau');
  mkdirSync(root, { recursive: true });
  const levels = opts.levels === undefined ? undefined : [...new Set(opts.levels)].sort((a, b) => a - b);
  const only = levels && lagrangeLevelsFor(power, levels);
  const full = join(root, `insecure-local-bn128-${power}`);
  const fullSha = readMeta(full, power, undefined);
  if (fullSha) return { path: join(full, 'pot.ptau'), power, sha256: fullSha, insecure: true };
  // The levels are in the entry's name (and meta.json): a file is only ever found again
  // for the same set of domains.
  const dir = levels ? `${full}-levels-${levels.join('-')}` : full;
  const path = join(dir, 'pot.ptau');
  const cached = readMeta(dir, power, levels);
  if (cached) return { path, power, sha256: cached, insecure: true, ...(levels ? { levels } : {}) };
  const progress = opts.onProgress ?? ((msg: string) => void process.stderr.write(`${msg}\n`));
  const which = levels ? ` with the Lagrange levels of domains ${levels.map((k) => `2^${k}`).join(', ')} only` : '';
  progress(`making a local INSECURE powers-of-tau file 2^${power}${which} (one-party setup, for development only) in ${dir}`);
  // Made in a scratch directory and renamed into place in one step: concurrent processes
  // never see a ptau without its metadata, nor one file replaced under another's key.
  const scratch = mkdtempSync(join(root, 'tmp-'));
  try {
    const made = await writeLocalPtau(join(scratch, 'pot.ptau'), power, progress, only, scratch);
    const meta = { label: 'INSECURE local powers of tau (one party; its secrets kept in secrets.json beside it, for faster key generation)', power, levels: levels ?? 'all', sha256: made.sha256, createdAt: new Date().toISOString() };
    writeFileSync(join(scratch, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    try {
      renameSync(scratch, dir);
    } catch {
      // another process placed its file first: use that one
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const sha = readMeta(dir, power, levels);
  if (!sha) throw new RangeError(`${dir}: local ptau cache entry is incomplete`);
  return { path, power, sha256: sha, insecure: true, ...(levels ? { levels } : {}) };
}

/** The cached file's SHA-256 if `dir` holds a complete entry of this power and these levels (undefined: all). */
function readMeta(dir: string, power: number, levels: readonly number[] | undefined): string | undefined {
  if (!existsSync(join(dir, 'pot.ptau')) || !existsSync(join(dir, 'meta.json'))) return undefined;
  const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { sha256?: unknown; power?: unknown; levels?: unknown };
  // Entries written before levels existed have no `levels` field: they are complete.
  const sameLevels = levels === undefined ? m.levels === undefined || m.levels === 'all' : Array.isArray(m.levels) && m.levels.join(',') === levels.join(',');
  return m.power === power && sameLevels && typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256) ? m.sha256 : undefined;
}
