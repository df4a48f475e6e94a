/**
 * A toy model for tests of the verifier, the API and the widget (Node only): manifest,
 * proof bundle and opening that follow docs/proof-format.md exactly, with REAL Groth16
 * keys (snarkjs setup + contribution + beacon on a local insecure ptau) and REAL proofs.
 *
 * The chunk circuits are toys: they carry the full public layout (7 + ctx signals) and
 * constrain a little — chunkIndex and modelTag are fixed per circuit, chunk 0 binds its
 * state to promptCommitment and nPrompt, every chunk's state depends on all posTokens and
 * nGenerated, in/out commitments are stand-ins c = state² + salt (field elements, chained
 * consistently; NOT Poseidon), inCommitment of chunk 0 and outCommitment of the last are
 * 0. promptCommitment is the real salted Poseidon commitment, so the opening checks out.
 *
 * Keys are cached under <cacheDir>/toy-model/<circuit hash>/ (atomic directory rename, so
 * parallel test workers never mix a proving key with another run's verification key).
 *
 * CLI: `npx node test/helpers/toy-model.ts --chunks 2 --ctx 8 [--variant x]` prints
 * `{ manifest, bundle, opening }` as JSON (e.g. to make fixtures for workerd tests).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { mod } from '@zkinfer/prover/circuit/field.ts';
import { assertSatisfied } from '@zkinfer/prover/circuit/check.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { defaultCacheDir, preparedPtau, requiredPtauPower, type PtauFile } from '@zkinfer/prover/snark/ptau.ts';
import { groth16Setup, type SnarkjsVkey } from '@zkinfer/prover/snark/setup.ts';
import { groth16Prove, shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { promptCommitment, randomSalt } from '@zkinfer/prover/commit/commit.ts';
import { canonicalVkeyJson, expectedPublicSignals, modelTag, nPublicForCtx, type Statement } from '@zkinfer/verifier';

export interface ToyModelOptions {
  chunks: number;
  ctx: number;
  /** Prompt text (byte tokens); default "Hi" cut to fit. */
  prompt?: string;
  /** Generated token ids (bytes); default the bytes of "!ok" cut to fit. */
  generated?: number[];
  /** A different variant is a different model (id, circuits, keys). */
  variant?: string;
  cacheDir?: string;
}

export interface ToyModel {
  manifest: Record<string, unknown>;
  bundle: Record<string, unknown>;
  opening: Record<string, unknown>;
}

/** Private values of one chunk (witness mode). */
interface ChunkWitness {
  signals: bigint[];
  stateIn: bigint;
  saltIn: bigint;
  saltOut: bigint;
}

const TOY_STATE_MULTIPLIER = 3n;

/** The stand-in state update: b = 3a + chunkIndex + Σ posTokens + nGenerated. */
function nextState(a: bigint, chunkIndex: number, signals: readonly bigint[]): bigint {
  let b = TOY_STATE_MULTIPLIER * a + BigInt(chunkIndex) + signals[6];
  for (let k = 7; k < signals.length; k++) b += signals[k];
  return mod(b);
}

function toyCircuit(modelId: string, ctx: number, chunks: number, index: number, w?: ChunkWitness): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: w !== undefined });
  const names = ['modelTag', 'chunkIndex', 'inCommitment', 'outCommitment', 'promptCommitment', 'nPrompt', 'nGenerated'];
  for (let t = 0; t < ctx; t++) names.push(`posTokens[${t}]`);
  const pub = names.map((name, k) => cs.publicInput(name, w?.signals[k]));
  cs.assertEqual(pub[0], modelTag(modelId), 'modelTag');
  cs.assertEqual(pub[1], index, 'chunkIndex');
  let state: LinearCombination;
  if (index === 0) {
    cs.assertEqual(pub[2], 0, 'in=0');
    state = pub[4].add(pub[5]);
  } else {
    state = cs.privateInput('stateIn', w?.stateIn);
    const saltIn = cs.privateInput('saltIn', w?.saltIn);
    cs.assertEqual(cs.mul(state, state, 'in²').add(saltIn), pub[2], 'in');
  }
  const next = LinearCombination.sum([state.scale(TOY_STATE_MULTIPLIER), cs.constant(index), pub[6], ...pub.slice(7)]);
  if (index === chunks - 1) {
    cs.assertEqual(pub[3], 0, 'out=0');
    cs.assertR1(next, pub[6], cs.mul(next, pub[6], 'last'), 'last-uses-state');
  } else {
    const saltOut = cs.privateInput('saltOut', w?.saltOut);
    cs.assertEqual(cs.mul(next, next, 'out²').add(saltOut), pub[3], 'out');
  }
  return cs;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

interface ChunkKey {
  zkeyPath: string;
  vkey: SnarkjsVkey;
  circuitHash: string;
  constraints: number;
}

async function chunkKey(shape: ConstraintSystem, ptau: PtauFile, root: string): Promise<ChunkKey> {
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(join(root, 'tmp-'));
  try {
    const r1csPath = join(scratch, 'circuit.r1cs');
    const { sha256: circuitHash } = writeR1cs(shape, r1csPath);
    const dir = join(root, `${circuitHash.slice(0, 32)}-${ptau.sha256.slice(0, 16)}`);
    if (!existsSync(join(dir, 'vkey.json'))) {
      const { vkey } = await groth16Setup({ r1csPath, ptauPath: ptau.path, zkeyPath: join(scratch, 'circuit.zkey') });
      writeFileSync(join(scratch, 'vkey.json'), JSON.stringify(vkey));
      try {
        renameSync(scratch, dir); // atomic: the first worker wins, others use its keys
      } catch {
        // another worker placed the same circuit first
      }
    }
    return {
      zkeyPath: join(dir, 'circuit.zkey'),
      vkey: JSON.parse(readFileSync(join(dir, 'vkey.json'), 'utf8')) as SnarkjsVkey,
      circuitHash,
      constraints: shape.nConstraints,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds (or loads cached keys for) the toy model and proves one fresh statement. */
export async function makeToyModel(opts: ToyModelOptions): Promise<ToyModel> {
  const { chunks, ctx } = opts;
  if (!Number.isInteger(chunks) || chunks < 1 || chunks > 16) throw new RangeError(`makeToyModel: chunks ${chunks} not in 1..16`);
  if (!Number.isInteger(ctx) || ctx < 2 || ctx > 256) throw new RangeError(`makeToyModel: ctx ${ctx} not in 2..256`);
  const promptTokens = [...Buffer.from(opts.prompt ?? 'Hi', 'utf8')].slice(0, ctx - 1);
  if (promptTokens.length === 0) throw new RangeError('makeToyModel: empty prompt');
  const generated = (opts.generated ?? [...Buffer.from('!ok', 'utf8')]).slice(0, ctx - promptTokens.length);
  if (generated.length === 0 || generated.some((t) => !Number.isInteger(t) || t < 0 || t > 255)) {
    throw new RangeError(`makeToyModel: generated tokens must be 1..${ctx - promptTokens.length} bytes`);
  }
  const cacheRoot = join(opts.cacheDir ?? defaultCacheDir(), 'toy-model');
  const modelId = hex(sha256(new TextEncoder().encode(`zkinfer toy model v1\nchunks=${chunks}\nctx=${ctx}\nvariant=${opts.variant ?? ''}`)));

  const shapes = Array.from({ length: chunks }, (_, i) => toyCircuit(modelId, ctx, chunks, i));
  const power = Math.max(...shapes.map((s) => requiredPtauPower(s.nConstraints, s.nPublic)));
  const ptau = await preparedPtau({ power, cacheDir: opts.cacheDir });
  const keys: ChunkKey[] = [];
  for (const shape of shapes) keys.push(await chunkKey(shape, ptau, cacheRoot));

  const salt = randomSalt();
  const statement: Statement = { promptCommitment: promptCommitment(promptTokens, ctx, salt), nPrompt: promptTokens.length, nGenerated: generated.length, generated };
  const boundarySalts = Array.from({ length: chunks + 1 }, () => randomSalt());
  const work = mkdtempSync(join(cacheRoot, 'prove-'));
  const bundleChunks: Record<string, unknown>[] = [];
  try {
    let stateIn = 0n;
    let inCommitment = 0n;
    for (let i = 0; i < chunks; i++) {
      // Chunk 0's state is promptCommitment + nPrompt (a public LC, not a private wire).
      const placeholder = expectedPublicSignals({ modelId, ctx, chunkIndex: i, inCommitment, outCommitment: 0n, statement });
      if (i === 0) stateIn = mod(statement.promptCommitment + BigInt(statement.nPrompt));
      const next = nextState(stateIn, i, placeholder);
      const outCommitment = i === chunks - 1 ? 0n : mod(next * next + boundarySalts[i + 1]);
      const signals = expectedPublicSignals({ modelId, ctx, chunkIndex: i, inCommitment, outCommitment, statement });
      const cs = toyCircuit(modelId, ctx, chunks, i, { signals, stateIn, saltIn: boundarySalts[i], saltOut: boundarySalts[i + 1] });
      assertSatisfied(cs);
      const wtnsPath = join(work, `chunk${i}.wtns`);
      writeWtns(cs, wtnsPath);
      const { proof, publicSignals } = await groth16Prove(keys[i].zkeyPath, wtnsPath);
      bundleChunks.push({ proof: { pi_a: proof.pi_a, pi_b: proof.pi_b, pi_c: proof.pi_c, protocol: 'groth16', curve: 'bn128' }, publicSignals });
      stateIn = next;
      inCommitment = outCommitment;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const manifest = {
    version: 1,
    modelId,
    name: `toy-${chunks}x${ctx}${opts.variant ? `-${opts.variant}` : ''}`,
    architecture: { family: 'llama', vocabSize: 256, dModel: 8, nLayers: chunks, nHeads: 1, nKvHeads: 1, headDim: 8, ffnDim: 16, parameters: 4096 },
    ctx,
    detokenizer: { kind: 'bytes' },
    ptau: { power: ptau.power, sha256: ptau.sha256, insecure: ptau.insecure },
    chunks: keys.map((k, index) => {
      const canonical = canonicalVkeyJson(k.vkey);
      return { index, constraints: k.constraints, circuitHash: k.circuitHash, vkeyHash: hex(sha256(new TextEncoder().encode(canonical))), vkey: JSON.parse(canonical) as unknown };
    }),
  };
  const bundle = {
    version: 1,
    modelId,
    ctx,
    statement: { promptCommitment: statement.promptCommitment.toString(), nPrompt: statement.nPrompt, nGenerated: statement.nGenerated, generated: [...generated] },
    chunks: bundleChunks,
  };
  const opening = {
    version: 1,
    modelId,
    promptCommitment: statement.promptCommitment.toString(),
    salt: salt.toString(),
    promptTokens,
    prompt: Buffer.from(promptTokens).toString('utf8'),
  };
  if (nPublicForCtx(ctx) !== (manifest.chunks[0].vkey as { nPublic: number }).nPublic) throw new RangeError('toy model: nPublic does not match the layout');
  return { manifest, bundle, opening };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { chunks: { type: 'string', default: '2' }, ctx: { type: 'string', default: '8' }, variant: { type: 'string' } } });
  const model = await makeToyModel({ chunks: Number(values.chunks), ctx: Number(values.ctx), variant: values.variant });
  process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
  await shutdownProver();
}
