import { bn254 } from '@noble/curves/bn254.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  P,
  R,
  VerifyInputError,
  checkKeySafety,
  g1ToJson,
  g2ToJson,
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
  prepareVerificationKey,
  publicInputPoint,
  verifyGroth16,
  verifyGroth16Batch,
  SIGNAL,
  POS_TOKENS_OFFSET,
  expectedPublicSignals,
  nPublicForCtx,
  parseBundle,
  parseManifest,
  receiptId,
  verifyBundle,
  vkeyHash,
  type Statement,
} from '@zkinfer/verifier';
import { terminateCurve } from '@zkinfer/prover/snark/curve.ts';
import { g2PointOutsideSubgroup } from './helpers/toy-groth16.ts';
import { snarkjsCircuit, snarkjsVerify, type SnarkjsCircuit } from './helpers/snarkjs-fixtures.ts';

/**
 * Differential tests against snarkjs.groth16.verify on real proofs of real circuits (built
 * with the prover's constraint system and iden3 writers, set up and proven by snarkjs).
 * Property: on canonical input both verifiers agree; wherever snarkjs is lenient (other
 * spellings of the same numbers) ours refuses with a coded error, never a different verdict.
 */

type Json = Record<string, any>;

/** Our full pipeline on raw JSON: 'valid' | 'invalid' | the refusal code. */
function ours(vkey: unknown, publicSignals: unknown, proof: unknown): string {
  try {
    const vk = parseVerificationKey(vkey);
    const ok = verifyGroth16(prepareVerificationKey(vk), parseProof(proof), parsePublicSignals(publicSignals, vk.nPublic));
    return ok ? 'valid' : 'invalid';
  } catch (err) {
    if (err instanceof VerifyInputError) return err.code;
    throw err;
  }
}

async function both(vkey: unknown, publicSignals: unknown, proof: unknown): Promise<[string, boolean]> {
  return [ours(vkey, publicSignals, proof), await snarkjsVerify(vkey, publicSignals, proof)];
}

let dir: string;
let mul: SnarkjsCircuit; // public x, y, z; private a, b: a·b = x, (a + b)·y = z
let sq: SnarkjsCircuit; // public u, v; private w: w·w = u, (w + u)·v = v·(w + u) … a second, different key
let proof: Json;
let signals: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zkinfer-verify-diff-'));
  mul = await snarkjsCircuit(dir, 'mul', 3, 2, (cs, [x, y, z], [a, b]) => {
    cs.assertEqual(cs.mul(a, b), x);
    cs.assertEqual(cs.mul(a.add(b), y), z);
  });
  sq = await snarkjsCircuit(dir, 'sq', 2, 1, (cs, [u, v], [w]) => {
    cs.assertEqual(cs.mul(w, w), u);
    cs.assertEqual(cs.mul(w.add(u), v), cs.mul(v, w.add(u)));
  });
  ({ proof, publicSignals: signals } = await mul.prove([35n, 3n, 36n], [5n, 7n]));
});

afterAll(async () => {
  await terminateCurve();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function editProof(edit: (p: Json) => void): Json {
  const p = structuredClone(proof);
  edit(p);
  return p;
}

describe('strict verifier vs snarkjs.groth16.verify (real circuits)', () => {
  it('both accept valid proofs, for several witnesses and two circuits', async () => {
    expect(await both(mul.vkey, signals, proof)).toEqual(['valid', true]);
    const other = await mul.prove([6n, 10n, 50n], [2n, 3n]);
    expect(await both(mul.vkey, other.publicSignals, other.proof)).toEqual(['valid', true]);
    const s = await sq.prove([49n, 123n], [7n]);
    expect(await both(sq.vkey, s.publicSignals, s.proof)).toEqual(['valid', true]);
  });

  it('both refuse each public signal changed', async () => {
    for (let i = 0; i < signals.length; i++) {
      const tampered = [...signals];
      tampered[i] = ((BigInt(tampered[i]) + 1n) % R).toString();
      expect(await both(mul.vkey, tampered, proof)).toEqual(['invalid', false]);
    }
  });

  it('a signal plus r: snarkjs refuses it as out of range, ours as a bad field element', async () => {
    const tampered = [...signals];
    tampered[1] = (BigInt(tampered[1]) + R).toString();
    expect(await both(mul.vkey, tampered, proof)).toEqual(['bad_field_element', false]);
  });

  it('non-canonical spellings of the same proof: snarkjs accepts them, ours refuses each', async () => {
    const hex = (s: string) => `0x${BigInt(s).toString(16)}`;
    const cases: [string, Json, string, boolean][] = [
      ['hex coordinate', editProof((p) => (p.pi_a[0] = hex(p.pi_a[0]))), 'bad_coordinate', true],
      ['leading zero', editProof((p) => (p.pi_c[1] = `0${p.pi_c[1]}`)), 'bad_coordinate', true],
      ['G1 coordinate + p', editProof((p) => (p.pi_a[0] = (BigInt(p.pi_a[0]) + P).toString())), 'bad_coordinate', true],
      ['G2 coordinate + p', editProof((p) => (p.pi_b[1][1] = (BigInt(p.pi_b[1][1]) + P).toString())), 'bad_coordinate', true],
      ['JSON number', editProof((p) => (p.pi_a[0] = Number(p.pi_a[0]))), 'bad_coordinate', false],
      ['z = 2', editProof((p) => (p.pi_a[2] = '2')), 'bad_point', false],
      ['G2 z = [1, 1]', editProof((p) => (p.pi_b[2] = ['1', '1'])), 'bad_point', false],
    ];
    for (const [name, p, code, snarkjsAccepts] of cases) {
      expect([name, ...(await both(mul.vkey, signals, p))]).toEqual([name, code, snarkjsAccepts]);
    }
    const hexSignals = signals.map(hex);
    expect(await both(mul.vkey, hexSignals, proof)).toEqual(['bad_field_element', true]);
  });

  it('both refuse the wrong number of signals', async () => {
    expect(await both(mul.vkey, signals.slice(1), proof)).toEqual(['wrong_signal_count', false]);
    expect(await both(mul.vkey, [...signals, '0'], proof)).toEqual(['wrong_signal_count', false]);
  });

  it('both refuse points off the curve, at infinity, and outside the G2 subgroup', async () => {
    const cases: [Json, string][] = [
      [editProof((p) => (p.pi_a[1] = (BigInt(p.pi_a[1]) + 1n).toString())), 'not_on_curve'],
      [editProof((p) => (p.pi_b[0][0] = (BigInt(p.pi_b[0][0]) + 1n).toString())), 'not_on_curve'],
      [editProof((p) => (p.pi_c = ['0', '1', '0'])), 'point_at_infinity'],
      [editProof((p) => (p.pi_b = [['0', '0'], ['1', '0'], ['0', '0']])), 'point_at_infinity'],
      [editProof((p) => (p.pi_b = g2ToJson(g2PointOutsideSubgroup()))), 'not_in_subgroup'],
    ];
    for (const [p, code] of cases) expect(await both(mul.vkey, signals, p)).toEqual([code, false]);
  });

  it('both refuse swapped proof points and proofs moved to another key', async () => {
    expect(await both(mul.vkey, signals, editProof((p) => ([p.pi_a, p.pi_c] = [p.pi_c, p.pi_a])))).toEqual(['invalid', false]);
    const s = await sq.prove([49n, 5n], [7n]);
    expect(await both(mul.vkey, [...s.publicSignals, '0'], s.proof)).toEqual(['invalid', false]);
  });

  it('both accept a re-randomized proof (Groth16 is malleable: A·s, B/s, C)', async () => {
    const parsed = parseProof(proof);
    const s = 987654321n;
    const rerandomized = {
      ...proof,
      pi_a: g1ToJson(parsed.a.multiply(s)),
      pi_b: g2ToJson(parsed.b.multiply(bn254.fields.Fr.inv(s))),
    };
    expect(rerandomized.pi_a).not.toEqual(proof.pi_a);
    expect(await both(mul.vkey, signals, rerandomized)).toEqual(['valid', true]);
  });

  it('a key with no phase-2 contribution: anyone forges proofs that BOTH verifiers accept; checkKeySafety refuses the key', async () => {
    const raw = mul.vkeyNoContribution as Json;
    expect(raw.vk_delta_2).toEqual(raw.vk_gamma_2); // snarkjs setup leaves δ = γ = g2
    const vk = parseVerificationKey(raw);
    expect(vk.delta.equals(bn254.G2.Point.BASE)).toBe(true);
    // x = 1000, y = 0, z = 1 has no witness at all: (a + b)·0 = 1 is false in any field.
    const statement = [1000n, 0n, 1n];
    const forged = {
      pi_a: g1ToJson(vk.alpha),
      pi_b: g2ToJson(vk.beta),
      pi_c: g1ToJson(publicInputPoint(vk, statement).negate()),
      protocol: 'groth16',
      curve: 'bn128',
    };
    expect(await both(raw, statement.map(String), forged)).toEqual(['valid', true]);
    expect(() => checkKeySafety(vk)).toThrow(VerifyInputError);
    expect(() => checkKeySafety(parseVerificationKey(mul.vkey))).not.toThrow();
    // The same forgery does not work once δ has a contribution.
    expect(await both(mul.vkey, statement.map(String), forged)).toEqual(['invalid', false]);
  });

  it('batch: all valid → true, one bad among many → false, agreeing with snarkjs one by one', async () => {
    const pvkMul = prepareVerificationKey(parseVerificationKey(mul.vkey));
    const pvkSq = prepareVerificationKey(parseVerificationKey(sq.vkey));
    const raw = [
      { c: mul, pvk: pvkMul, ...(await mul.prove([35n, 3n, 36n], [5n, 7n])) },
      { c: sq, pvk: pvkSq, ...(await sq.prove([49n, 2n], [7n])) },
      { c: mul, pvk: pvkMul, ...(await mul.prove([6n, 10n, 50n], [2n, 3n])) },
      { c: sq, pvk: pvkSq, ...(await sq.prove([16n, 9n], [4n])) },
      { c: mul, pvk: pvkMul, ...(await mul.prove([0n, 4n, 8n], [0n, 2n])) },
    ];
    const items = raw.map((x) => ({ pvk: x.pvk, proof: parseProof(x.proof), publicSignals: parsePublicSignals(x.publicSignals, x.pvk.vk.nPublic) }));
    for (const x of raw) expect(await snarkjsVerify(x.c.vkey, x.publicSignals, x.proof)).toBe(true);
    expect(verifyGroth16Batch(items)).toBe(true);
    for (const bad of [0, 2, 4]) {
      const tampered = items.map((it, i) => (i === bad ? { ...it, publicSignals: [it.publicSignals[0] + 1n, ...it.publicSignals.slice(1)] } : it));
      expect(await snarkjsVerify(raw[bad].c.vkey, tampered[bad].publicSignals.map(String), raw[bad].proof)).toBe(false);
      expect(verifyGroth16Batch(tampered)).toBe(false);
    }
    // One proof swapped to another item of the same key: each is individually invalid.
    const swapped = items.map((it, i) => (i === 0 ? { ...it, proof: items[2].proof } : it));
    expect(verifyGroth16Batch(swapped)).toBe(false);
  });
});

describe('verifyBundle on real chunk proofs (7 + T signals per chunk, three different chunk circuits)', () => {
  const CTX = 4;
  const MODEL = 'c0ffee'.padEnd(64, '0');
  const statement: Statement = { promptCommitment: 1234567n, nPrompt: 1, nGenerated: 2, generated: [65, 66] };
  const boundaries = [0n, 111n, 222n, 0n]; // in of chunk i = boundaries[i], out = boundaries[i + 1]
  let manifestJson: Json;
  let bundleJson: Json;
  const chunks: SnarkjsCircuit[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      // A toy "chunk": every signal is a public input (bound by its IC point); a few products
      // use them, with the chunk index folded into a constant so the three keys differ.
      chunks.push(
        await snarkjsCircuit(dir, `chunk${i}`, nPublicForCtx(CTX), 0, (cs, pub) => {
          cs.mul(pub[SIGNAL.modelTag], pub[SIGNAL.chunkIndex].add(i + 1));
          cs.mul(pub[SIGNAL.inCommitment].add(i), pub[SIGNAL.outCommitment].add(1));
          cs.mul(pub[POS_TOKENS_OFFSET + 1].add(pub[POS_TOKENS_OFFSET + 2]), pub[SIGNAL.nPrompt]);
        }),
      );
    }
    manifestJson = {
      version: 1,
      modelId: MODEL,
      name: 'toy chunks',
      architecture: { family: 'llama', vocabSize: 256, dModel: 4, nLayers: 1, nHeads: 1, nKvHeads: 1, headDim: 4, ffnDim: 8, parameters: 100 },
      ctx: CTX,
      ptau: { power: 8, sha256: '0'.repeat(64), insecure: true },
      chunks: chunks.map((c, i) => ({
        index: i,
        constraints: 3,
        circuitHash: '1'.repeat(64),
        vkeyHash: vkeyHash(parseVerificationKey(c.vkey)),
        vkey: c.vkey, // snarkjs's file as is, vk_alphabeta_12 included
      })),
    };
    const proven = [];
    for (let i = 0; i < 3; i++) {
      const s = expectedPublicSignals({ modelId: MODEL, ctx: CTX, chunkIndex: i, inCommitment: boundaries[i], outCommitment: boundaries[i + 1], statement });
      proven.push(await chunks[i].prove(s, []));
    }
    bundleJson = {
      version: 1,
      modelId: MODEL,
      ctx: CTX,
      statement: { ...statement, promptCommitment: statement.promptCommitment.toString() },
      chunks: proven.map(({ proof: p, publicSignals }) => ({ proof: p, publicSignals })),
    };
  });

  it('accepts the bundle; receipt id survives JSON round trips and proof re-randomization', () => {
    const manifest = parseManifest(JSON.parse(JSON.stringify(manifestJson)));
    const bundle = parseBundle(JSON.parse(JSON.stringify(bundleJson)));
    expect(verifyBundle(manifest, bundle)).toEqual({ valid: true });
    const b0 = bundle.chunks[0].proof;
    const rerandomized = { ...bundle, chunks: [{ ...bundle.chunks[0], proof: { ...b0, a: b0.a.multiply(3n), b: b0.b.multiply(bn254.fields.Fr.inv(3n)) } }, ...bundle.chunks.slice(1)] };
    expect(verifyBundle(manifest, rerandomized)).toEqual({ valid: true });
    expect(receiptId(MODEL, rerandomized)).toBe(receiptId(MODEL, bundle));
  });

  it('refuses a claimed token the proofs do not carry, and a proof for other signals', () => {
    const manifest = parseManifest(manifestJson);
    const claimed = structuredClone(bundleJson);
    claimed.statement.generated[1] = 67;
    expect(verifyBundle(manifest, parseBundle(claimed)).reason).toMatch(/posTokens\[2\]/);
    // Signals edited consistently everywhere: statement rules hold, the proofs do not.
    const edited = structuredClone(bundleJson);
    edited.statement.generated[1] = 67;
    for (const c of edited.chunks) c.publicSignals[POS_TOKENS_OFFSET + 2] = '67';
    expect(verifyBundle(manifest, parseBundle(edited))).toEqual({ valid: false, reason: expect.stringMatching(/Groth16/) });
  });

  it('the registry refuses the same chunk keys without their phase-2 contribution', () => {
    const json = structuredClone(manifestJson);
    json.chunks[1].vkey = chunks[1].vkeyNoContribution;
    json.chunks[1].vkeyHash = vkeyHash(parseVerificationKey(chunks[1].vkeyNoContribution)); // hash is right
    expect(() => parseManifest(json)).toThrow(expect.objectContaining({ code: 'unsafe_key', path: 'chunks[1].vkey.vk_delta_2' }));
  });
});
