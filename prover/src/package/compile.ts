/**
 * compilePackage: the setup side of the pipeline (docs/architecture.md "Trusted setup", "Model
 * commitment"). Plans the chunks, builds each chunk circuit in shape mode, writes its .r1cs
 * (SHA-256 = circuitHash), runs (or reuses from the cache) the phase-2 setup on one ptau,
 * and writes a package directory with a manifest that passes the strict parser.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalVkeyJson, MAX_CHUNKS, parseManifest, parseVerificationKey, vkeyHash, type Architecture, type Detokenizer, type Manifest } from '@zkinfer/verifier';
import { PLAIN_RANGES, rangeBackendName, type RangeBackend, rangePlanOptions } from '../circuit/range-backend.ts';
import { buildChunk } from '../chunks/build.ts';
import type { ChunkPlan } from '../chunks/plan.ts';
import { planStages, slotCostsOf, stageCostsOf, type ChunkLayout } from '../chunks/position.ts';
import type { Stage } from '../circuit/transformer/stage.ts';
import type { CommitmentSpec } from '../circuit/commitment-spec.ts';
import { writeR1cs } from '../circuit/r1cs-writer.ts';
import type { QuantModel } from '../quant/types.ts';
import { preparedPtau, requiredPtauPower, type PtauFile } from '../snark/ptau.ts';
import { cachedGroth16Setup, placeFile } from './keys.ts';
import { circuitCodeFingerprint } from './code-fingerprint.ts';
import { INFO_FILE, MANIFEST_FILE, PACKAGE_VERSION, QUANT_FILE, writeJson, type PackageInfo } from './layout.ts';
import { ZkinferError } from '../errors.ts';

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
  /** How `stages` were made (recorded so `prove` rebuilds the same ones). */
  layout: ChunkLayout;
  /** The range backend `stages` were measured with (default plain; range-backend.ts). */
  ranges?: RangeBackend;
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
  const ranges = opts.ranges ?? PLAIN_RANGES;
  mkdirSync(outDir, { recursive: true });
  const plans = planStages(stages, { ctx, power: opts.chunkPower, ...rangePlanOptions(ranges) });
  if (plans.length > MAX_CHUNKS) {
    throw new ZkinferError('bad_option', `${plans.length} chunks at ctx ${ctx} and 2^${opts.chunkPower} rows: a manifest holds at most ${MAX_CHUNKS} (docs/proof-format.md); lower --ctx or raise --chunk-power`);
  }
  const kinds = plans[0].position?.kinds;
  progress(`${stages.length} stages in ${plans.length} chunks of < 2^${opts.chunkPower} rows${kinds ? ` (${kinds} circuit${kinds > 1 ? 's' : ''} shared by all ${ctx} positions)` : ''}`);

  // Position chunks of one kind are one circuit (chunks/position.ts): build and write it once.
  // A LogUp circuit declares its committed wires and challenge wire (cs.commitment): setup makes
  // the BSB22 commitment key for them (docs/decisions.md 17, 18).
  type Circuit = { file: string; r1csPath: string; circuitHash: string; constraints: number; nPublic: number; commitment?: CommitmentSpec };
  const circuits: Circuit[] = [];
  const byKind = new Map<number, Circuit>();
  for (const plan of plans) {
    const shared = plan.position && byKind.get(plan.position.kind);
    if (shared) {
      circuits.push(shared);
      continue;
    }
    const what = plan.position ? `circuit ${plan.position.kind + 1}/${plan.position.kinds}` : `chunk ${plan.index + 1}/${plans.length}`;
    progress(`${what}: building the circuit (${plan.constraints} constraints planned, ${stageList(plan.stages.map((s) => stages[s].name))})`);
    const { cs } = buildChunk({ modelId: opts.modelId, ctx, q: opts.q, stages, plans, index: plan.index, ranges });
    const file = plan.position ? `kind-${plan.position.kind}` : `chunk-${plan.index}`;
    const r1csPath = join(outDir, `${file}.r1cs`);
    const { sha256: circuitHash } = writeR1cs(cs, r1csPath);
    const commitment = cs.commitment;
    if ((commitment !== undefined) !== (ranges.kind !== 'plain')) throw new TypeError(`${file}: a ${rangeBackendName(ranges)} circuit ${commitment ? 'with' : 'without'} a commitment`);
    const c = { file, r1csPath, circuitHash, constraints: cs.nConstraints, nPublic: cs.nPublic, commitment };
    circuits.push(c);
    if (plan.position) byKind.set(plan.position.kind, c);
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
  const distinct = [...new Set(circuits)];
  const keysOf = new Map<Circuit, { vkey: Record<string, unknown>; vkeyHash: string }>();
  for (const [i, c] of distinct.entries()) {
    const label = distinct.length === circuits.length ? `chunk ${i + 1}/${distinct.length}` : `circuit ${i + 1}/${distinct.length}`;
    progress(`${label}: phase-2 setup (${c.constraints} constraints)${setupEstimate(distinct.slice(i), setupSeconds, setupConstraints)}`);
    const t0 = performance.now();
    const keys = await cachedGroth16Setup({ r1csPath: c.r1csPath, circuitHash: c.circuitHash, commitment: c.commitment, ptau, cacheDir: opts.cacheDir, onProgress: (m) => progress(`${label}: ${m}`) });
    if (keys.cached) progress(`${label}: keys reused from the cache`);
    else {
      newKeys++;
      setupSeconds += (performance.now() - t0) / 1000;
      setupConstraints += c.constraints;
    }
    placeFile(keys.zkeyPath, join(outDir, `${c.file}.zkey`));
    const vkey = JSON.parse(canonicalVkeyJson(keys.vkey)) as Record<string, unknown>;
    keysOf.set(c, { vkey, vkeyHash: vkeyHash(parseVerificationKey(vkey)) });
  }
  const written = new Set<Circuit>();
  for (const [i, c] of circuits.entries()) {
    const k = keysOf.get(c)!;
    // A key shared by several chunks is written once, at its first chunk (docs/proof-format.md).
    manifestChunks.push({ index: i, constraints: c.constraints, circuitHash: c.circuitHash, vkeyHash: k.vkeyHash, ...(written.has(c) ? {} : { vkey: k.vkey }) });
    written.add(c);
    infoChunks.push({ index: i, stages: plans[i].stages.map((s) => stages[s].name), constraints: c.constraints, circuitHash: c.circuitHash, r1cs: `${c.file}.r1cs`, zkey: `${c.file}.zkey` });
  }

  const manifestJson: Record<string, unknown> = {
    version: 1,
    modelId: opts.modelId,
    name: opts.name,
    architecture: { ...opts.architecture },
    ctx,
    // Position chunks: bundles may prove only the positions their statement reads (docs/proof-format.md "Position prefixes").
    ...(kinds ? { chunksPerPosition: kinds } : {}),
    ...(opts.detokenizer ? { detokenizer: opts.detokenizer } : {}),
    ptau: { power: ptau.power, sha256: ptau.sha256, insecure: ptau.insecure },
    chunks: manifestChunks,
  };
  // The strict parse re-checks everything the registry will (keys, hashes, layout).
  const manifest = parseManifest(manifestJson);
  writeJson(join(outDir, MANIFEST_FILE), manifestJson);
  if (opts.quantBytes) writeFileSync(join(outDir, QUANT_FILE), opts.quantBytes);
  const slotCosts = slotCostsOf(stages);
  const stageCosts = stageCostsOf(stages);
  const info: PackageInfo = {
    version: PACKAGE_VERSION,
    modelId: opts.modelId,
    ctx,
    chunkPower: opts.chunkPower,
    layout: opts.layout,
    // Absent for plain (packages made before LogUp existed read as plain).
    ...(ranges.kind === 'plain' ? {} : { ranges }),
    model: opts.model ?? null,
    quantFile: opts.quantBytes ? QUANT_FILE : null,
    chunks: infoChunks,
    ...(slotCosts ? { slotCosts } : {}),
    ...(stageCosts ? { stageCosts } : {}),
    codeFingerprint: circuitCodeFingerprint(),
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

/** A chunk's stages for a progress line: all of them when few, else the first and last (a layer-major chunk has hundreds). */
export function stageList(names: readonly string[]): string {
  if (names.length <= 6) return `stage${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
  return `${names.length} stages ${names.slice(0, 3).join(', ')} … ${names.slice(-2).join(', ')}`;
}
