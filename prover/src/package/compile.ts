/**
 * compilePackage: the setup side of the pipeline (DESIGN.md "Trusted setup", "Model
 * commitment"). Plans the chunks, builds each chunk circuit in shape mode, writes its .r1cs
 * (SHA-256 = circuitHash), runs (or reuses from the cache) the phase-2 setup on one ptau,
 * and writes a package directory with a manifest that passes the strict parser.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalVkeyJson, parseManifest, parseVerificationKey, vkeyHash, type Architecture, type Detokenizer, type Manifest } from '../../../api/src/verify/index.ts';
import { buildChunk } from '../chunks/build.ts';
import { planChunks, type ChunkPlan } from '../chunks/plan.ts';
import type { Stage } from '../chunks/stage.ts';
import { writeR1cs } from '../circuit/r1cs-writer.ts';
import type { QuantModel } from '../quant/types.ts';
import { preparedPtau, requiredPtauPower, type PtauFile } from '../snark/ptau.ts';
import { cachedGroth16Setup, placeFile } from './keys.ts';
import { chunkFile, INFO_FILE, MANIFEST_FILE, PACKAGE_VERSION, QUANT_FILE, writeJson, type PackageInfo } from './layout.ts';

export interface CompileOptions {
  outDir: string;
  modelId: string;
  name: string;
  architecture: Architecture;
  detokenizer?: Detokenizer;
  ctx: number;
  q: QuantModel;
  stages: readonly Stage[];
  /** Chunks have fewer than 2^chunkPower rows. */
  chunkPower: number;
  /** A prepared ptau (`--ptau`); default: the cached local INSECURE one of the needed power. */
  ptau?: string;
  cacheDir: string;
  /** The canonical serialization of q, stored as model.zkqm (its SHA-256 must be modelId). */
  quantBytes?: Uint8Array;
  model?: { path: string; sha256: string };
  onProgress?: (msg: string) => void;
}

export interface CompileResult {
  manifestJson: Record<string, unknown>;
  manifest: Manifest;
  info: PackageInfo;
  plans: ChunkPlan[];
  ptau: PtauFile;
  /** Chunks whose keys were made now (the rest came from the cache). */
  newKeys: number;
}

export async function compilePackage(opts: CompileOptions): Promise<CompileResult> {
  const progress = opts.onProgress ?? (() => {});
  const { ctx, stages, outDir } = opts;
  mkdirSync(outDir, { recursive: true });
  const plans = planChunks(stages, { ctx, power: opts.chunkPower });
  progress(`${stages.length} stages in ${plans.length} chunks of < 2^${opts.chunkPower} rows`);

  const circuits: { r1csPath: string; circuitHash: string; constraints: number; nPublic: number }[] = [];
  for (const plan of plans) {
    progress(`chunk ${plan.index + 1}/${plans.length}: building the circuit (${plan.constraints} constraints planned, stages ${plan.stages.map((s) => stages[s].name).join(', ')})`);
    const { cs } = buildChunk({ modelId: opts.modelId, ctx, q: opts.q, stages, plans, index: plan.index });
    const r1csPath = join(outDir, chunkFile(plan.index, 'r1cs'));
    const { sha256: circuitHash } = writeR1cs(cs, r1csPath);
    circuits.push({ r1csPath, circuitHash, constraints: cs.nConstraints, nPublic: cs.nPublic });
  }
  const domains = circuits.map((c) => requiredPtauPower(c.constraints, c.nPublic));
  const power = Math.max(...domains);
  // The circuits are known before the ptau: a local one needs only their domains' Lagrange
  // levels (fewer points to compute; groth16Setup refuses a file without a circuit's level).
  const ptau = await preparedPtau({ ptau: opts.ptau, power, levels: domains, cacheDir: opts.cacheDir, onProgress: progress });
  if (ptau.insecure) progress(`ptau 2^${ptau.power} ${ptau.path}: INSECURE (one-party local setup, for development only)`);

  let newKeys = 0;
  const manifestChunks: Record<string, unknown>[] = [];
  const infoChunks: PackageInfo['chunks'] = [];
  // Phase 2 takes minutes per chunk (BENCHMARKS.md "Phase-2 setup"), roughly in proportion
  // to its constraints: after the first new key, say how long the rest should take.
  let setupSeconds = 0;
  let setupConstraints = 0;
  for (const [i, c] of circuits.entries()) {
    progress(`chunk ${i + 1}/${circuits.length}: phase-2 setup (${c.constraints} constraints)${setupEstimate(circuits.slice(i), setupSeconds, setupConstraints)}`);
    const t0 = performance.now();
    const keys = await cachedGroth16Setup({ r1csPath: c.r1csPath, circuitHash: c.circuitHash, ptau, cacheDir: opts.cacheDir, onProgress: (m) => progress(`chunk ${i + 1}: ${m}`) });
    if (keys.cached) progress(`chunk ${i + 1}/${circuits.length}: keys reused from the cache`);
    else {
      newKeys++;
      setupSeconds += (performance.now() - t0) / 1000;
      setupConstraints += c.constraints;
    }
    placeFile(keys.zkeyPath, join(outDir, chunkFile(i, 'zkey')));
    const vkey = JSON.parse(canonicalVkeyJson(keys.vkey)) as Record<string, unknown>;
    manifestChunks.push({ index: i, constraints: c.constraints, circuitHash: c.circuitHash, vkeyHash: vkeyHash(parseVerificationKey(vkey)), vkey });
    infoChunks.push({ index: i, stages: plans[i].stages.map((s) => stages[s].name), constraints: c.constraints, circuitHash: c.circuitHash, r1cs: chunkFile(i, 'r1cs'), zkey: chunkFile(i, 'zkey') });
  }

  const manifestJson: Record<string, unknown> = {
    version: 1,
    modelId: opts.modelId,
    name: opts.name,
    architecture: { ...opts.architecture },
    ctx,
    ...(opts.detokenizer ? { detokenizer: opts.detokenizer } : {}),
    ptau: { power: ptau.power, sha256: ptau.sha256, insecure: ptau.insecure },
    chunks: manifestChunks,
  };
  // The strict parse re-checks everything the registry will (keys, hashes, layout).
  const manifest = parseManifest(manifestJson);
  writeJson(join(outDir, MANIFEST_FILE), manifestJson);
  if (opts.quantBytes) writeFileSync(join(outDir, QUANT_FILE), opts.quantBytes);
  const info: PackageInfo = {
    version: PACKAGE_VERSION,
    modelId: opts.modelId,
    ctx,
    chunkPower: opts.chunkPower,
    model: opts.model ?? null,
    quantFile: opts.quantBytes ? QUANT_FILE : null,
    chunks: infoChunks,
  };
  writeJson(join(outDir, INFO_FILE), info);
  return { manifestJson, manifest, info, plans, ptau, newKeys };
}

/** ", about N min left" from the rate of the keys made so far (empty before the first). */
function setupEstimate(remaining: readonly { constraints: number }[], seconds: number, constraints: number): string {
  if (constraints === 0) return '';
  const left = (remaining.reduce((n, c) => n + c.constraints, 0) * seconds) / constraints;
  return left < 90 ? `, about ${Math.round(left)} s left` : `, about ${Math.round(left / 60)} min left`;
}
