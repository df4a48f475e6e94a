/**
 * A compiled package directory (`zkinfer compile --out DIR`):
 *   manifest.json          the model manifest of docs/proof-format.md (what gets registered)
 *   package.json           this file's PackageInfo: how to rebuild the circuits for `prove`
 *   model.zkqm             the quantized model (quant/serialize.ts; SHA-256 = modelId)
 *   kind-<k>.r1cs / .zkey  position chunks: each chunk kind's circuit and proving key, shared
 *                          by every position (chunk-<i>.r1cs / .zkey per chunk for `layers`)
 * manifest.json allows no extra fields, so the prover's own data lives in package.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, type Manifest } from '@zkinfer/verifier';
import type { ChunkLayout } from '../chunks/position.ts';
import type { RangeBackend } from '../circuit/range-backend.ts';
import { ZkinferError } from '../errors.ts';

export const PACKAGE_VERSION = 1;

export interface PackageChunk {
  index: number;
  /** Stage names, in order (prove checks it re-plans the same chunks). */
  stages: string[];
  constraints: number;
  circuitHash: string;
  r1cs: string;
  zkey: string;
}

export interface PackageInfo {
  version: typeof PACKAGE_VERSION;
  modelId: string;
  ctx: number;
  chunkPower: number;
  /** chunks/position.ts ChunkLayout; absent in packages made before it existed (= 'layers'). */
  layout?: ChunkLayout;
  /**
   * The range backend the circuits were built with (circuit/range-backend.ts); absent = plain.
   * LogUp circuits' keys carry a BSB22 commitment (its wire set is in the zkey's section 11).
   */
  ranges?: RangeBackend;
  /** The model file the package was compiled from (its tokenizer encodes prompts), if any. */
  model: { path: string; sha256: string } | null;
  /** Serialized quantized model, relative to the package directory (null for models without one). */
  quantFile: string | null;
  chunks: PackageChunk[];
  /**
   * Positions layout: each per-position slot's constraints as compile measured them
   * (chunks/position.ts slotCostsOf). prove plans from them instead of rebuilding every slot's
   * shape; the code fingerprint below stands for them (other circuit code: recompile), and a
   * chunk that outgrows its plan is refused when built. Absent in older packages (measured then).
   */
  slotCosts?: number[];
  /** Layers layout: every stage's constraints (chunks/position.ts stageCostsOf), the same way. */
  stageCosts?: number[];
  /** package/code-fingerprint.ts at compile time; absent in packages made before it existed. */
  codeFingerprint?: string;
}

export const MANIFEST_FILE = 'manifest.json';
export const INFO_FILE = 'package.json';
export const QUANT_FILE = 'model.zkqm';

export interface LoadedPackage {
  dir: string;
  /** The manifest as written (JSON) and parsed strictly. */
  manifestJson: Record<string, unknown>;
  manifest: Manifest;
  info: PackageInfo;
}

/** Reads and checks a package directory; TypeError naming the file when something is missing or inconsistent. */
export function readPackage(dir: string): LoadedPackage {
  const mPath = join(dir, MANIFEST_FILE);
  const iPath = join(dir, INFO_FILE);
  for (const p of [mPath, iPath]) if (!existsSync(p)) throw new ZkinferError('bad_package', `${p}: not found (is ${dir} a package made by zkinfer compile?)`);
  const manifestJson = readJson(mPath);
  const manifest = parseManifest(manifestJson);
  const info = readJson(iPath) as unknown as PackageInfo;
  if (info.version !== PACKAGE_VERSION) throw new ZkinferError('bad_package', `${iPath}: version ${String(info.version)} unsupported (expected ${PACKAGE_VERSION})`);
  if (info.modelId !== manifest.modelId || info.ctx !== manifest.ctx || !Array.isArray(info.chunks) || info.chunks.length !== manifest.chunks.length) {
    throw new ZkinferError('bad_package', `${iPath}: does not match ${mPath} (modelId, ctx or chunk count)`);
  }
  info.chunks.forEach((c, i) => {
    if (c.circuitHash !== manifest.chunks[i].circuitHash) throw new ZkinferError('bad_package', `${iPath}: chunks[${i}].circuitHash differs from the manifest's`);
    if (!existsSync(join(dir, c.zkey))) throw new ZkinferError('bad_package', `${join(dir, c.zkey)}: proving key not found`);
  });
  return { dir, manifestJson, manifest, info };
}

/**
 * Why `info`'s circuits may not be the ones this code builds (package/code-fingerprint.ts), or
 * null when they are. prove refuses such a package; npm start recompiles it.
 */
export function staleCircuitsReason(info: PackageInfo, fingerprint: string): string | null {
  if (info.codeFingerprint === fingerprint) return null;
  return info.codeFingerprint === undefined
    ? 'it was compiled by a zkinfer that did not record its circuit code'
    : `it was compiled by other circuit code (fingerprint ${info.codeFingerprint.slice(0, 12)}…, this zkinfer ${fingerprint.slice(0, 12)}…)`;
}

export function readJson(path: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ZkinferError('bad_package', `${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ZkinferError('bad_package', `${path}: expected a JSON object`);
  return v as Record<string, unknown>;
}

export function writeJson(path: string, value: unknown, mode?: number): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, mode === undefined ? undefined : { mode });
}
