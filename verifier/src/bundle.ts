import { VerifyInputError } from './errors.ts';
import { R } from './fields.ts';
import { prepareVerificationKeys, verifyGroth16Batch, withChallengeSignal, type PreparedVerificationKey } from './groth16.ts';
import { parseProof, parsePublicSignals, proofToJson, type Groth16Proof } from './groth16-json.ts';
import { at, readArray, readDecimal, readHex64, readInt, readLiteral, readObject } from './json.ts';
import { MAX_CTX, MAX_VOCAB, SIGNAL, expectedPublicSignals, nPublicForCtx, publicSignalLayout, type Statement } from './layout.ts';
import { MAX_CHUNKS, type Manifest } from './manifest.ts';

/** The proof bundle of docs/proof-format.md: parsing, and validity against a manifest. */

export interface BundleChunk {
  proof: Groth16Proof;
  publicSignals: bigint[];
}

export interface Bundle {
  version: 1;
  modelId: string;
  ctx: number;
  statement: Statement & { generated: number[] };
  chunks: BundleChunk[];
}

function parseStatement(json: unknown, path: string, ctx: number): Statement & { generated: number[] } {
  const o = readObject(json, path, ['promptCommitment', 'nPrompt', 'nGenerated', 'generated'], [], 'bad_bundle');
  const promptCommitment = readDecimal(o.promptCommitment, at(path, 'promptCommitment'), R, 'bad_field_element', 'a field element');
  const nPrompt = readInt(o.nPrompt, at(path, 'nPrompt'), 'bad_bundle', 1, ctx);
  const nGenerated = readInt(o.nGenerated, at(path, 'nGenerated'), 'bad_bundle', 1, ctx);
  if (nPrompt + nGenerated > ctx) {
    throw new VerifyInputError('bad_bundle', at(path, 'nGenerated'), `nPrompt + nGenerated = ${nPrompt + nGenerated} exceeds ctx ${ctx}`);
  }
  const generated = readArray(o.generated, at(path, 'generated'), 'bad_bundle', { exact: nGenerated }).map((t, i) =>
    readInt(t, at(at(path, 'generated'), i), 'bad_bundle', 0, MAX_VOCAB - 1),
  );
  return { promptCommitment, nPrompt, nGenerated, generated };
}

/**
 * Parses a bundle strictly (every proof point, 7 + ctx signals per chunk). Throws VerifyInputError.
 *
 * Cheap checks run before any point is validated (a G2 subgroup check is a scalar
 * multiplication, the bulk of parsing): the statement, then every chunk's fields and signal
 * count. With `manifest` (the model the bundle is submitted for) a bundle that cannot be for it
 * — another modelId, ctx or chunk count — is refused as `bad_bundle` before any point work, so a
 * large bogus bundle costs almost nothing. Without it those mismatches are left to verifyBundle,
 * which reports them as an invalid (well-formed) bundle.
 */
export function parseBundle(json: unknown, manifest?: Manifest): Bundle {
  const o = readObject(json, '', ['version', 'modelId', 'ctx', 'statement', 'chunks'], [], 'bad_bundle');
  readLiteral(o.version, 'version', 1, 'bad_bundle');
  const modelId = readHex64(o.modelId, 'modelId', 'bad_bundle');
  if (manifest && modelId !== manifest.modelId) {
    throw new VerifyInputError('bad_bundle', 'modelId', `bundle is for model ${modelId}, not ${manifest.modelId}`);
  }
  const ctx = readInt(o.ctx, 'ctx', 'bad_bundle', 1, MAX_CTX);
  if (manifest && ctx !== manifest.ctx) throw new VerifyInputError('bad_bundle', 'ctx', `bundle ctx ${ctx} is not the model's ${manifest.ctx}`);
  const statement = parseStatement(o.statement, 'statement', ctx);
  const nPublic = nPublicForCtx(ctx);
  const chunksJson = readArray(o.chunks, 'chunks', 'bad_bundle', { min: 1, max: MAX_CHUNKS });
  const countProblem = manifest && chunkCountProblem(manifest, statement, chunksJson.length);
  if (countProblem) throw new VerifyInputError('bad_bundle', 'chunks', countProblem);
  // Pass 1, no curve arithmetic: fields and signal counts of every chunk.
  const shaped = chunksJson.map((c, i) => {
    const path = at('chunks', i);
    const co = readObject(c, path, ['proof', 'publicSignals'], [], 'bad_bundle');
    const signals = co.publicSignals;
    if (Array.isArray(signals) && signals.length !== nPublic) {
      throw new VerifyInputError('wrong_signal_count', at(path, 'publicSignals'), `expected ${nPublic} public signals, got ${signals.length}`);
    }
    return co;
  });
  // Pass 2: every chunk's signals (cheap), then pass 3: proof points (curve and subgroup checks).
  const signals = shaped.map((co, i) => parsePublicSignals(co.publicSignals, nPublic, at(at('chunks', i), 'publicSignals')));
  const chunks = shaped.map((co, i) => ({ proof: parseProof(co.proof, at(at('chunks', i), 'proof')), publicSignals: signals[i] }));
  // A BSB22 commitment (D, π) exactly where the chunk's key has one (docs/proof-format.md "Commitment").
  if (manifest) {
    chunks.forEach((c, i) => {
      const keyHas = manifest.chunks[i].vkey.commitment !== undefined;
      if (keyHas !== (c.proof.commitment !== undefined)) {
        throw new VerifyInputError('bad_proof', at(at('chunks', i), 'proof'), keyHas ? 'the chunk key has a commitment, the proof has none' : 'the proof has a commitment, the chunk key has none');
      }
    });
  }
  return { version: 1, modelId, ctx, statement, chunks };
}

/**
 * Positions a statement reads (docs/proof-format.md "Position prefixes"): the greedy check of
 * token t + 1 runs at position t, so positions 0 … nPrompt + nGenerated − 2 prove the whole
 * statement (and position 0, which opens the prompt commitment, is always among them).
 */
export function positionsRead(statement: Pick<Statement, 'nPrompt' | 'nGenerated'>): number {
  return Math.max(1, statement.nPrompt + statement.nGenerated - 1);
}

/**
 * The chunk counts a bundle of `statement` may have for `manifest`: every chunk, or, for a
 * manifest of position chunks (K per position), the chunks of the first L positions for any L
 * with positionsRead(statement) ≤ L ≤ ctx. `min` is what `zkinfer prove` proves by default.
 */
export function allowedChunkCounts(manifest: Manifest, statement: Pick<Statement, 'nPrompt' | 'nGenerated'>): { min: number; max: number; step: number } {
  const all = manifest.chunks.length;
  const k = manifest.chunksPerPosition;
  if (k === undefined) return { min: all, max: all, step: all };
  return { min: Math.min(all, positionsRead(statement) * k), max: all, step: k };
}

/** Why `count` chunks cannot be a bundle of `statement` for `manifest` (undefined if they can). */
export function chunkCountProblem(manifest: Manifest, statement: Pick<Statement, 'nPrompt' | 'nGenerated'>, count: number): string | undefined {
  const { min, max, step } = allowedChunkCounts(manifest, statement);
  if (count === max) return undefined;
  if (min === max) return `bundle has ${count} chunks, the model ${max}`;
  if (count < min || count > max || count % step !== 0) {
    return `bundle has ${count} chunks: the model takes the ${step} chunks of each position for the first ${min / step} (the positions the statement reads) up to all ${max / step}, i.e. a multiple of ${step} from ${min} to ${max}`;
  }
  return undefined;
}

/** A statement as bundles carry it (docs/proof-format.md "Bundle"): the commitment as a decimal string. */
export type StatementJson = {
  promptCommitment: string;
  nPrompt: number;
  nGenerated: number;
  generated: number[];
};

/** A bundle as JSON, the inverse of parseBundle: `parseBundle(bundleToJson(b))` equals b. */
export type BundleJson = {
  version: 1;
  modelId: string;
  ctx: number;
  statement: StatementJson;
  chunks: { proof: ReturnType<typeof proofToJson>; publicSignals: string[] }[];
};

export function statementToJson(statement: Statement): StatementJson {
  const { promptCommitment, nPrompt, nGenerated, generated } = statement;
  return { promptCommitment: promptCommitment.toString(), nPrompt, nGenerated, generated: [...generated] };
}

export function bundleToJson(bundle: Bundle): BundleJson {
  return {
    version: 1,
    modelId: bundle.modelId,
    ctx: bundle.ctx,
    statement: statementToJson(bundle.statement),
    chunks: bundle.chunks.map((c) => ({ proof: proofToJson(c.proof), publicSignals: c.publicSignals.map((x) => x.toString()) })),
  };
}

/** Prepared keys of every manifest chunk, in order; the API can cache this per model. */
export function prepareManifest(manifest: Manifest): PreparedVerificationKey[] {
  return prepareVerificationKeys(manifest.chunks.map((c) => c.vkey));
}

export interface BundleVerdict {
  valid: boolean;
  /** Why the bundle is invalid (absent when valid). */
  reason?: string;
}

// Cheap statement checks first, so a bundle that does not even claim the right thing costs no pairing.
function statementMismatch(manifest: Manifest, bundle: Bundle): string | undefined {
  if (bundle.modelId !== manifest.modelId) return `bundle modelId ${bundle.modelId} is not the manifest's ${manifest.modelId}`;
  if (bundle.ctx !== manifest.ctx) return `bundle ctx ${bundle.ctx} is not the manifest's ${manifest.ctx}`;
  const countProblem = chunkCountProblem(manifest, bundle.statement, bundle.chunks.length);
  if (countProblem) return countProblem;
  const vocab = manifest.architecture.vocabSize;
  const badToken = bundle.statement.generated.findIndex((t) => t >= vocab);
  if (badToken >= 0) return `statement.generated[${badToken}] is not below vocabSize ${vocab}`;

  const { names } = publicSignalLayout(manifest.ctx);
  const last = bundle.chunks.length - 1;
  const whole = bundle.chunks.length === manifest.chunks.length;
  for (let i = 0; i <= last; i++) {
    const actual = bundle.chunks[i].publicSignals;
    // in/out commitments are chunk-chosen; compare them through the chain rule below.
    const expected = expectedPublicSignals({
      modelId: manifest.modelId,
      ctx: manifest.ctx,
      chunkIndex: i,
      inCommitment: actual[SIGNAL.inCommitment],
      outCommitment: actual[SIGNAL.outCommitment],
      statement: bundle.statement,
    });
    const j = expected.findIndex((e, k) => e !== actual[k]);
    if (j >= 0) return `chunks[${i}].publicSignals[${j}] (${names[j]}) is ${actual[j]}, the statement requires ${expected[j]}`;
    if (i === 0 && actual[SIGNAL.inCommitment] !== 0n) return 'chunks[0] inCommitment must be 0';
    // The model's last chunk ends the chain (its circuit outputs 0); a position prefix's last chunk
    // outputs the commitment to caches no proven chunk reads, which binds nothing.
    if (i === last && whole && actual[SIGNAL.outCommitment] !== 0n) return `chunks[${last}] (last) outCommitment must be 0`;
    if (i < last && actual[SIGNAL.outCommitment] !== bundle.chunks[i + 1].publicSignals[SIGNAL.inCommitment]) {
      return `chain broken: chunks[${i}] outCommitment differs from chunks[${i + 1}] inCommitment`;
    }
  }
  return undefined;
}

/**
 * Whether a parsed bundle is valid for a parsed manifest (docs/proof-format.md): model id, ctx,
 * chunk count (every chunk, or a position prefix: allowedChunkCounts), statement fields and posTokens in every chunk's signals, the commitment chain,
 * then all Groth16 proofs in one batch. `prepared` (from prepareManifest) skips key preparation.
 */
export function verifyBundle(manifest: Manifest, bundle: Bundle, prepared?: readonly PreparedVerificationKey[]): BundleVerdict {
  const mismatch = statementMismatch(manifest, bundle);
  if (mismatch) return { valid: false, reason: mismatch };
  if (prepared !== undefined && prepared.length !== manifest.chunks.length) {
    throw new RangeError(`verifyBundle: ${prepared.length} prepared keys for ${manifest.chunks.length} manifest chunks`);
  }
  const keys = prepared ?? prepareManifest(manifest);
  const ok = verifyGroth16Batch(
    // A chunk key with a commitment verifies one more signal, the challenge, which the verifier computes.
    bundle.chunks.map((c, i) => ({ pvk: keys[i], proof: c.proof, publicSignals: withChallengeSignal(keys[i], c.proof, c.publicSignals) })),
  );
  return ok ? { valid: true } : { valid: false, reason: 'Groth16 verification failed for at least one chunk proof' };
}
