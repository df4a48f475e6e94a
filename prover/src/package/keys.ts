/**
 * Phase-2 keys per chunk circuit, cached by (circuit hash, ptau hash) under
 * <cacheDir>/chunk-keys/: the setup is randomized (a contribution and a random beacon), so
 * re-compiling the same model must reuse the first keys, otherwise each compile would give
 * a new manifest that the registry refuses as a conflict. Entries are placed by an atomic
 * directory rename (concurrent compiles never mix a zkey with another run's vkey).
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { CommitmentSpec } from '../circuit/commitment-spec.ts';
import type { PtauFile } from '../snark/ptau.ts';
import { groth16Setup, type SnarkjsVkey } from '../snark/setup.ts';

export interface ChunkKeys {
  zkeyPath: string;
  vkey: SnarkjsVkey;
  /** True when the keys came from the cache. */
  cached: boolean;
}

export async function cachedGroth16Setup(args: {
  r1csPath: string;
  circuitHash: string;
  /** The circuit's BSB22 commitment (LogUp circuits): part of the cache key, since the .r1cs does not hold it. */
  commitment?: CommitmentSpec;
  ptau: PtauFile;
  cacheDir: string;
  onProgress?: (msg: string) => void;
}): Promise<ChunkKeys> {
  const root = join(args.cacheDir, 'chunk-keys');
  mkdirSync(root, { recursive: true });
  const spec = args.commitment && createHash('sha256').update(JSON.stringify(args.commitment)).digest('hex').slice(0, 16);
  const dir = join(root, `${args.circuitHash}-${args.ptau.sha256.slice(0, 16)}${spec ? `-c${spec}` : ''}`);
  const read = (cached: boolean): ChunkKeys => ({
    zkeyPath: join(dir, 'circuit.zkey'),
    vkey: JSON.parse(readFileSync(join(dir, 'vkey.json'), 'utf8')) as SnarkjsVkey,
    cached,
  });
  if (existsSync(join(dir, 'vkey.json')) && existsSync(join(dir, 'circuit.zkey'))) return read(true);
  const scratch = mkdtempSync(join(root, 'tmp-'));
  try {
    const { vkey } = await groth16Setup({ r1csPath: args.r1csPath, ptauPath: args.ptau.path, zkeyPath: join(scratch, 'circuit.zkey'), commitment: args.commitment, onProgress: args.onProgress });
    writeFileSync(join(scratch, 'vkey.json'), JSON.stringify(vkey));
    try {
      renameSync(scratch, dir);
    } catch {
      // another process placed keys for the same circuit first: use those
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return read(false);
}

/** Places `src` at `dest` by hard link (same file system, no copy of a large zkey), else by copy. */
export function placeFile(src: string, dest: string): void {
  rmSync(dest, { force: true });
  try {
    linkSync(src, dest);
  } catch {
    copyFileSync(src, dest);
  }
}
