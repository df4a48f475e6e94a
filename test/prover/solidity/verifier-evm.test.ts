/**
 * The exported Solidity verifier (prover/src/solidity, docs/solidity.md) compiled with solc-js
 * and run in a real EVM (@ethereumjs/vm, Prague): real bundles of the bundled default model
 * verify and record the API's receipt id; every kind of tampering reverts with its reason.
 * Gas of each call goes to stderr ("gas |").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bn254 } from '@noble/curves/bn254.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { P, R, parseBundle, receiptId, type Manifest } from '@zkinfer/verifier';
import { concatBytes } from '@noble/hashes/utils.js';
import { encodeAddresses, type VerifierCall } from '@zkinfer/prover/solidity/abi.ts';
import { bundleToCall } from '@zkinfer/prover/solidity/calldata.ts';
import { isRecorded, submitCall, type SubmitOutcome } from '@zkinfer/prover/solidity/client.ts';
import { deployVerifier, type Deployment } from '@zkinfer/prover/solidity/deploy.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { planContract, type ContractPlan } from '@zkinfer/prover/solidity/plan.ts';
import { compileVerifier, type CompiledVerifier } from '@zkinfer/prover/solidity/solc.ts';
import { contractSource } from '@zkinfer/prover/solidity/source.ts';
import { g1Words, g2Words } from '@zkinfer/prover/solidity/words.ts';
import { defaultModelBundles } from './fixture.ts';

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const Fr = bn254.fields.Fr;

let manifest: Manifest;
let bundles: [Record<string, unknown>, Record<string, unknown>];
let packageDir: string;
let bundlePath: string;
let plan: ContractPlan;
let compiled: CompiledVerifier;
let chain: LocalChain;
let deployment: Deployment;
let honest: VerifierCall;
let other: VerifierCall;

beforeAll(async () => {
  const fx = await defaultModelBundles();
  manifest = fx.pkg.manifest;
  bundles = fx.bundles;
  packageDir = fx.dir;
  bundlePath = fx.bundlePath;
  plan = planContract(manifest);
  compiled = compileVerifier(contractSource(plan), plan.keys.length);
  chain = await LocalChain.open();
  deployment = await deployVerifier(chain, compiled);
  honest = bundleToCall(bundles[0]).call;
  other = bundleToCall(bundles[1]).call;
}, 1_200_000);

const clone = (c: VerifierCall): VerifierCall => structuredClone(c);

async function submit(call: VerifierCall, label: string): Promise<SubmitOutcome> {
  const r = await submitCall(chain, deployment.verifier, call);
  const g = r.gas;
  process.stderr.write(`  gas | ${label}: ${g.total} (pairing ${g.pairing}, chunk scalars ${g.chunkScalars}, public inputs ${g.publicInputs}, calldata ${g.calldata}, other ${g.other})${r.reverted ? ` reverted ${r.error?.name}` : ''}\n`);
  return r;
}

async function expectRevert(call: VerifierCall, label: string, error: string, args?: bigint[]): Promise<void> {
  const r = await submit(call, label);
  expect(r.reverted, label).toBe(true);
  expect(r.error?.name, label).toBe(error);
  if (args) expect(r.error?.args).toEqual(args);
}

describe('plan of the default model at T = 4', () => {
  it('shares keys across position chunks and merges the G2 points of β and γ', () => {
    const distinct = new Set(manifest.chunks.map((c) => c.vkeyHash)).size;
    expect(plan.keys.length).toBe(distinct);
    expect(plan.keys.length).toBeLessThan(manifest.chunks.length);
    // snarkjs keys of one ptau share β (phase 1) and γ (the G2 generator); δ is per key.
    expect(plan.slotSources.length).toBe(2 + distinct);
    expect(deployment.verifierCodeSize).toBeLessThanOrEqual(24_576);
    // STOP, α, β, γ, δ, IC[0] + modelTag·IC[1], IC[2..7 + T].
    for (const size of deployment.keyCodeSizes) expect(size).toBe(1 + 64 + 3 * 128 + 64 * (7 + manifest.ctx));
    process.stderr.write(`  size | ZkinferVerifier ${deployment.verifierCodeSize} bytes, key contracts ${deployment.keyCodeSizes.join(', ')} bytes; deployment gas ${deployment.gasUsed}\n`);
  });
});

describe('an honest bundle of the bundled default model', () => {
  it('verifies, records the API receipt id and emits BundleVerified', async () => {
    const expectedId = receiptId(manifest.modelId, parseBundle(bundles[0]));
    const r = await submit(honest, 'honest bundle');
    expect(r.reverted).toBe(false);
    expect(r.receiptId).toBe(expectedId);
    expect(r.recorded).toBe(true);
    const statement = (bundles[0] as { statement: { promptCommitment: string; generated: number[] } }).statement;
    expect(r.event).toEqual({ modelId: manifest.modelId, receiptId: expectedId, promptCommitment: BigInt(statement.promptCommitment), generated: statement.generated });
    expect(await isRecorded(chain, deployment.verifier, expectedId)).toBe(true);
    // One pairing call over every chunk plus one pair per distinct G2 point.
    const pairing = r.precompileCalls.filter((c) => c.address === 8);
    expect(pairing).toEqual([{ address: 8, inputLength: 192 * (manifest.chunks.length + plan.slotSources.length) }]);
  });

  it('a second run of the same prompt verifies too, with its own receipt (another salt)', async () => {
    const r = await submit(other, 'second run');
    expect(r.reverted).toBe(false);
    expect(r.receiptId).toBe(receiptId(manifest.modelId, parseBundle(bundles[1])));
    expect(r.receiptId).not.toBe(receiptId(manifest.modelId, parseBundle(bundles[0])));
  });

  it('a re-randomised proof is accepted with the same receipt, recorded once (no second event)', async () => {
    const call = clone(honest);
    const k = 1;
    const w = call.proofs[k];
    const t = Fr.create(123456789n);
    const s = Fr.create(987654321n);
    const a = G1.fromAffine({ x: w[0], y: w[1] });
    const b = G2.fromAffine({ x: { c0: w[3], c1: w[2] }, y: { c0: w[5], c1: w[4] } });
    const c = G1.fromAffine({ x: w[6], y: w[7] });
    const delta = manifest.chunks[k].vkey.delta;
    // e(A/t, tB + sδ) = e(A, B)·e((s/t)A, δ): move (s/t)A into C.
    const a2 = a.multiply(Fr.inv(t));
    const b2 = b.multiply(t).add(delta.multiply(s));
    const c2 = c.add(a.multiply(Fr.mul(s, Fr.inv(t))));
    call.proofs[k] = [...g1Words(a2), ...g2Words(b2), ...g1Words(c2)];
    expect(call.proofs[k]).not.toEqual(honest.proofs[k]);
    const r = await submit(call, 're-randomised proof');
    expect(r.reverted).toBe(false);
    expect(r.receiptId).toBe(receiptId(manifest.modelId, parseBundle(bundles[0])));
    expect(r.recorded).toBe(false);
    expect(r.event).toBeUndefined();
  });
});

describe('tampered bundles revert', () => {
  it('a changed generated token', async () => {
    const call = clone(honest);
    call.generated[0] = call.generated[0] === 0n ? 1n : call.generated[0] - 1n;
    await expectRevert(call, 'changed token', 'ProofsInvalid');
  });

  it('a changed prompt commitment', async () => {
    const call = clone(honest);
    call.promptCommitment = (call.promptCommitment + 1n) % R;
    await expectRevert(call, 'changed prompt commitment', 'ProofsInvalid');
  });

  it('a changed nPrompt (the same tokens one position earlier)', async () => {
    const call = clone(honest);
    expect(call.nPrompt).toBeGreaterThan(1n);
    call.nPrompt -= 1n;
    await expectRevert(call, 'changed nPrompt', 'ProofsInvalid');
  });

  it('two chunks swapped (chunk order)', async () => {
    const call = clone(honest);
    [call.proofs[0], call.proofs[1]] = [call.proofs[1], call.proofs[0]];
    await expectRevert(call, 'chunks swapped', 'ProofsInvalid');
  });

  it('a chunk, with its own boundary commitments, from another run of the same prompt', async () => {
    const call = clone(honest);
    const k = 2;
    call.proofs[k] = other.proofs[k];
    call.boundaries[k - 1] = other.boundaries[k - 1];
    call.boundaries[k] = other.boundaries[k];
    await expectRevert(call, 'chunk from another run', 'ProofsInvalid');
  });

  it('a broken commitment chain', async () => {
    const call = clone(honest);
    call.boundaries[0] = (call.boundaries[0] + 1n) % R;
    await expectRevert(call, 'broken chain', 'ProofsInvalid');
  });

  it('a signal + r (same value mod r, not canonical)', async () => {
    const call = clone(honest);
    call.promptCommitment += R;
    await expectRevert(call, 'promptCommitment + r', 'NotAFieldElement', [0n]);
    const c2 = clone(honest);
    c2.boundaries[1] += R;
    await expectRevert(c2, 'boundary + r', 'NotAFieldElement', [2n]);
  });

  it('a coordinate + p, a point off the curve, a point at infinity', async () => {
    const call = clone(honest);
    call.proofs[1][0] += P;
    await expectRevert(call, 'A.x + p', 'CoordinateNotBelowP', [1n]);
    const off = clone(honest);
    off.proofs[2][1] = (off.proofs[2][1] + 1n) % P;
    await expectRevert(off, 'A off the curve', 'PointNotOnCurve', [2n]);
    const offC = clone(honest);
    offC.proofs[0][7] = (offC.proofs[0][7] + 1n) % P;
    await expectRevert(offC, 'C off the curve', 'PointNotOnCurve', [0n]);
    const inf = clone(honest);
    inf.proofs[3][6] = 0n;
    inf.proofs[3][7] = 0n;
    await expectRevert(inf, 'C at infinity', 'PointAtInfinity', [3n]);
  });

  it('B off the twist, and B on the twist but outside G2, fail in the pairing precompile (EIP-197)', async () => {
    const call = clone(honest);
    call.proofs[1][3] = (call.proofs[1][3] + 1n) % P;
    await expectRevert(call, 'B off the twist', 'PrecompileFailed', [8n]);
    // A point of the twist y² = x³ + b' outside the order-r subgroup (the twist's cofactor is large).
    const Fp2 = bn254.fields.Fp2;
    const b2 = G2.CURVE().b;
    let q;
    for (let i = 1n; q === undefined; i++) {
      const x = { c0: i, c1: 1n };
      const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b2);
      let y;
      try {
        y = Fp2.sqrt(rhs);
      } catch {
        continue;
      }
      if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
      const point = G2.fromAffine({ x, y });
      if (!point.isTorsionFree()) q = point;
    }
    const bad = clone(honest);
    bad.proofs[1].splice(2, 4, ...g2Words(q));
    await expectRevert(bad, 'B outside G2', 'PrecompileFailed', [8n]);
  });

  it('statement shape: counts, vocabulary, chunk count', async () => {
    const zero = clone(honest);
    zero.nPrompt = 0n;
    await expectRevert(zero, 'nPrompt 0', 'BadTokenCounts');
    const long = clone(honest);
    long.nPrompt = BigInt(manifest.ctx);
    await expectRevert(long, 'nPrompt + nGenerated > T', 'BadTokenCounts');
    const vocab = clone(honest);
    vocab.generated[1] = BigInt(manifest.architecture.vocabSize);
    await expectRevert(vocab, 'token ≥ vocab', 'TokenNotInVocabulary', [1n, BigInt(manifest.architecture.vocabSize)]);
    const short = clone(honest);
    short.proofs.pop();
    await expectRevert(short, 'a chunk missing', 'WrongChunkCount');
  });
});

describe('deployment and the local chain', () => {
  it('the verifier refuses key contracts that are not its keys', async () => {
    const deployWith = (keys: string[]) => chain.send(undefined, concatBytes(compiled.verifier.bytecode, encodeAddresses(keys)));
    // A contract that is not a key at all (the verifier itself) in the first key's place.
    expect((await deployWith([deployment.verifier, ...deployment.keys.slice(1)])).reverted).toBe(true);
    // Two keys in each other's place (the code-hash check is per slot), when the plan has two.
    if (deployment.keys.length >= 2) expect((await deployWith([...deployment.keys].reverse())).reverted).toBe(true);
    // The honest list deploys: the refusals above are the keys', not the call's.
    expect((await deployWith(deployment.keys)).reverted).toBe(false);
  });

  it('bundleToCall refuses a bundle whose signals disagree with its statement', () => {
    const b = structuredClone(bundles[0]) as { chunks: { publicSignals: string[] }[] };
    b.chunks[1].publicSignals[1] = '0'; // chunkIndex
    expect(() => bundleToCall(b)).toThrow(/publicSignals\[1\]/);
  });

  it('the chain kept in a file keeps the recorded receipt', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zkinfer-chain-')), 'chain.json');
    chain.save(path);
    const reopened = await LocalChain.open(path);
    const id = receiptId(manifest.modelId, parseBundle(bundles[0]));
    expect(await isRecorded(reopened, deployment.verifier, id)).toBe(true);
    expect(await isRecorded(reopened, deployment.verifier, '00'.repeat(32))).toBe(false);
  });
});


describe('the README\'s three commands: export-solidity → chain deploy → chain submit', () => {
  it('take a bundle to a receipt recorded on a local chain kept in a file', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zkinfer-sol-cli-'));
    const sol = join(work, 'verifier.sol');
    const chainFile = join(work, 'chain.json');
    const exported = await cli(['export-solidity', '--package', packageDir, '--out', sol, '--json']);
    expect(exported.code, exported.err).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject({ modelId: manifest.modelId, chunks: manifest.chunks.length, keys: plan.keys.length });
    expect(readFileSync(sol, 'utf8')).toBe(contractSource(plan));
    // The same contract from the registered manifest (what GET /v1/models/ID serves), without the package.
    const manifestPath = join(work, 'manifest.json');
    writeFileSync(manifestPath, readFileSync(join(packageDir, 'manifest.json')));
    const fromManifest = join(work, 'from-manifest.sol');
    const exportedM = await cli(['export-solidity', '--manifest', manifestPath, '--out', fromManifest]);
    expect(exportedM.code, exportedM.err).toBe(0);
    expect(readFileSync(fromManifest, 'utf8')).toBe(readFileSync(sol, 'utf8'));
    expect((await cli(['export-solidity', '--package', packageDir, '--manifest', manifestPath, '--out', fromManifest])).code).toBe(2);
    const deployed = await cli(['chain', 'deploy', '--chain', chainFile, '--contract', sol, '--json']);
    expect(deployed.code, deployed.err).toBe(0);
    const d = JSON.parse(deployed.out) as { verifier: string; modelId: string };
    expect(d.modelId).toBe(manifest.modelId);
    const submitted = await cli(['chain', 'submit', '--chain', chainFile, bundlePath, '--json']);
    expect(submitted.code, submitted.err).toBe(0);
    const s = JSON.parse(submitted.out) as { ok: boolean; receiptId: string; newlyRecorded: boolean; recorded: boolean; event: { generated: number[] } };
    expect(s).toMatchObject({ ok: true, receiptId: receiptId(manifest.modelId, parseBundle(bundles[0])), newlyRecorded: true, recorded: true });
    const again = await cli(['chain', 'submit', '--chain', chainFile, bundlePath, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ ok: true, receiptId: s.receiptId, newlyRecorded: false, recorded: true });
    const listed = await cli(['chain', 'receipts', '--chain', chainFile, '--json']);
    const events = JSON.parse(listed.out) as { receiptId: string; address: string }[];
    expect(events.map((e) => [e.receiptId, e.address])).toEqual([[s.receiptId, d.verifier]]);
    // A tampered bundle (token changed consistently in statement and signals) is refused: exit 1.
    const tampered = structuredClone(bundles[0]) as { statement: { nPrompt: number; generated: number[] }; chunks: { publicSignals: string[] }[] };
    const t = tampered.statement.generated[0];
    tampered.statement.generated[0] = t === 0 ? 1 : t - 1;
    for (const c of tampered.chunks) c.publicSignals[7 + tampered.statement.nPrompt] = String(tampered.statement.generated[0]);
    const tamperedPath = join(work, 'tampered.json');
    writeFileSync(tamperedPath, JSON.stringify(tampered));
    const refused = await cli(['chain', 'submit', '--chain', chainFile, tamperedPath, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ ok: false, reason: 'ProofsInvalid()' });
  });
});
