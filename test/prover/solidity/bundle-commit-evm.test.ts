/**
 * The bundle verifier (ZkinferVerifier) of a LogUp package, whose chunk keys have a BSB22
 * commitment (docs/solidity.md "Commitments in the bundle"), compiled with solc-js and run in
 * @ethereumjs/vm: a real bundle of the micro transformer (test/helpers/logup-package.ts, ctx 4)
 * verifies and emits its receipt; every tampering with D, π or the challenge reverts, and so do
 * a plain call to the commitment contract and a commitment call to the plain contract of the
 * same model. Gas of each call goes to stderr ("gas |").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bn254 } from '@noble/curves/bn254.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P, parseBundle, receiptId } from '@zkinfer/verifier';
import { encodeVerifierCall, decodeError, SUBMIT_COMMITMENTS_SIGNATURE, SUBMIT_SIGNATURE, type VerifierCall } from '@zkinfer/prover/solidity/abi.ts';
import { bundleToCall } from '@zkinfer/prover/solidity/calldata.ts';
import { submitCall, type SubmitOutcome } from '@zkinfer/prover/solidity/client.ts';
import { deployVerifier, type Deployment } from '@zkinfer/prover/solidity/deploy.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { planContract, type ContractPlan } from '@zkinfer/prover/solidity/plan.ts';
import { compileVerifier } from '@zkinfer/prover/solidity/solc.ts';
import { contractSource } from '@zkinfer/prover/solidity/source.ts';
import { g1Words } from '@zkinfer/prover/solidity/words.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { PLAIN_RANGES } from '@zkinfer/prover/circuit/range-backend.ts';
import { cli } from '../../helpers/cli.ts';
import { compileMicro, LOGUP_DEFAULT, type MicroPackage } from '../../helpers/logup-package.ts';

const G1 = bn254.G1.Point;
const T = 4;

let logup: MicroPackage;
let plain: MicroPackage;
let plan: ContractPlan;
let chain: LocalChain;
let deployment: Deployment;
let plainDeployment: Deployment;
let bundle: Record<string, unknown>;
let honest: VerifierCall;
let foreign: VerifierCall;
let plainCall: VerifierCall;

beforeAll(async () => {
  logup = await compileMicro(LOGUP_DEFAULT, T);
  plain = await compileMicro(PLAIN_RANGES, T);
  // Whole bundles ('all'): the contract takes no position prefixes (docs/solidity.md).
  bundle = (await logup.prove([84, 111], 2, 'all')).bundle as unknown as Record<string, unknown>;
  // Another statement (prompt) of the same model: its chunks' challenges hash other signals.
  foreign = bundleToCall((await logup.prove([72, 105], 2, 'all')).bundle).call;
  plainCall = bundleToCall((await plain.prove([84, 111], 2, 'all')).bundle).call;
  honest = bundleToCall(bundle).call;
  plan = planContract(logup.pkg.manifest);
  chain = await LocalChain.open();
  deployment = await deployVerifier(chain, compileVerifier(contractSource(plan), plan.keys.length));
  const plainPlan = planContract(plain.pkg.manifest);
  plainDeployment = await deployVerifier(chain, compileVerifier(contractSource(plainPlan), plainPlan.keys.length));
}, 900_000);
afterAll(async () => {
  await shutdownProver();
  logup?.dispose();
  plain?.dispose();
});

const clone = (c: VerifierCall): VerifierCall => structuredClone(c);

async function submit(call: VerifierCall, label: string, verifier = deployment.verifier): Promise<SubmitOutcome> {
  const r = await submitCall(chain, verifier, call);
  const g = r.gas;
  process.stderr.write(`  gas | ${label}: ${g.total} (pairing ${g.pairing}, commitments ${g.commitments}, chunk scalars ${g.chunkScalars}, public inputs ${g.publicInputs}, calldata ${g.calldata}, other ${g.other})${r.reverted ? ` reverted ${r.error?.name}` : ''}\n`);
  return r;
}

async function expectRevert(call: VerifierCall, label: string, error: string, args?: bigint[]): Promise<void> {
  const r = await submit(call, label);
  expect(r.reverted, label).toBe(true);
  expect(r.error?.name, label).toBe(error);
  if (args) expect(r.error?.args, label).toEqual(args);
}

const point = (w: bigint[], at: number) => G1.fromAffine({ x: w[at], y: w[at + 1] });

describe('the plan of a LogUp package', () => {
  it('has a commitment in every key, one σ₂ slot per key and the challenge in the key blob', () => {
    const m = logup.pkg.manifest;
    expect(plan.commitments).toBe(true);
    for (const k of plan.keys) expect(k.sigmaSlot).toBeGreaterThanOrEqual(3);
    // STOP, α, β, γ, δ, IC[0] + modelTag·IC[1], IC[2..8 + T], σ₂.
    for (const size of deployment.keyCodeSizes) expect(size).toBe(1 + 64 + 3 * 128 + 64 * (8 + m.ctx) + 128);
    expect(deployment.verifierCodeSize).toBeLessThanOrEqual(24_576);
    expect(honest.commitments).toHaveLength(m.chunks.length);
    expect(plainCall.commitments).toBeUndefined();
    process.stderr.write(`  size | LogUp ZkinferVerifier ${deployment.verifierCodeSize} bytes (plain ${plainDeployment.verifierCodeSize}), key contracts ${deployment.keyCodeSizes.join(', ')} bytes; ${m.chunks.length} chunks, ${plan.keys.length} keys\n`);
  });

  it('refuses a manifest mixing commitment and plain keys, and a commitment key with γ ≠ g₂', () => {
    const m = logup.pkg.manifest;
    const mixed = { ...m, chunks: m.chunks.map((c, i) => (i === 1 ? { ...plain.pkg.manifest.chunks[1], index: c.index } : c)) };
    expect(() => planContract(mixed)).toThrow(/some chunk keys have a commitment and some not/);
    const vkey = { ...m.chunks[0].vkey, gamma: bn254.G2.Point.BASE.double() };
    const badGamma = { ...m, chunks: m.chunks.map((c) => ({ ...c, vkey })) };
    expect(() => planContract(badGamma)).toThrow(/γ = g₂/);
  });

  it('a plain package of the same model has the plain source: no commitment code', () => {
    const source = contractSource(planContract(plain.pkg.manifest));
    expect(source).not.toContain('uint256[4][] calldata commitments');
    expect(source).not.toContain('_addCommitments');
    expect(source).not.toContain('CHALLENGE_TAG');
  });
});

describe('an honest LogUp bundle', () => {
  it('verifies, records the API receipt id and emits BundleVerified', async () => {
    const expectedId = receiptId(logup.pkg.manifest.modelId, parseBundle(bundle, logup.pkg.manifest));
    const r = await submit(honest, 'honest LogUp bundle');
    expect(r.reverted).toBe(false);
    expect(r.receiptId).toBe(expectedId);
    expect(r.recorded).toBe(true);
    expect(r.event?.receiptId).toBe(expectedId);
    expect(r.event?.modelId).toBe(logup.pkg.manifest.modelId);
    // Two sha256 calls per chunk (the challenge) and the receipt's; one pairing call with a σ₂ pair per key.
    expect(r.precompileCalls.filter((c) => c.address === 2)).toHaveLength(2 * honest.proofs.length + 1);
    expect(r.precompileCalls.filter((c) => c.address === 8)).toEqual([{ address: 8, inputLength: 192 * (honest.proofs.length + plan.slotSources.length) }]);
  });

  it('the plain bundle of the same model verifies on the plain contract (gas side by side)', async () => {
    const r = await submit(plainCall, 'plain bundle, same micro model', plainDeployment.verifier);
    expect(r.reverted).toBe(false);
  });
});

describe('tampered commitments revert', () => {
  it('D changed (another curve point)', async () => {
    const call = clone(honest);
    call.commitments![1].splice(0, 2, ...g1Words(point(call.commitments![1], 0).add(G1.BASE)));
    await expectRevert(call, 'D changed', 'ProofsInvalid');
  });

  it('π changed (another curve point)', async () => {
    const call = clone(honest);
    call.commitments![0].splice(2, 2, ...g1Words(point(call.commitments![0], 2).add(G1.BASE)));
    await expectRevert(call, 'π changed', 'ProofsInvalid');
  });

  it('D and π of two chunks swapped', async () => {
    const call = clone(honest);
    [call.commitments![0], call.commitments![1]] = [call.commitments![1], call.commitments![0]];
    await expectRevert(call, '(D, π) swapped between chunks 0 and 1', 'ProofsInvalid');
  });

  it('D swapped with π in one chunk', async () => {
    const call = clone(honest);
    const [dx, dy, px, py] = call.commitments![1];
    call.commitments![1] = [px, py, dx, dy];
    await expectRevert(call, 'D ↔ π in chunk 1', 'ProofsInvalid');
  });

  it('a chunk whose challenge was made for another statement (its whole proof and commitment)', async () => {
    const call = clone(honest);
    call.proofs[1] = foreign.proofs[1];
    call.commitments![1] = foreign.commitments![1];
    await expectRevert(call, 'foreign chunk 1 (its challenge hashes other signals)', 'ProofsInvalid');
  });

  it('a commitment missing: none at all, or one chunk short', async () => {
    await expectRevert({ ...clone(honest), commitments: [] }, 'no commitments', 'CommitmentMismatch', [0n]);
    const short = clone(honest);
    short.commitments!.pop();
    await expectRevert(short, 'one commitment short', 'CommitmentMismatch', [BigInt(honest.proofs.length - 1)]);
    const extra = clone(honest);
    extra.commitments!.push(extra.commitments![0]);
    await expectRevert(extra, 'one commitment too many', 'CommitmentMismatch', [BigInt(honest.proofs.length + 1)]);
  });

  it('a carried challenge: a bundle with 8 + T signals has no call', () => {
    const carried = structuredClone(bundle) as { chunks: { publicSignals: string[] }[] };
    for (const c of carried.chunks) c.publicSignals.push('1');
    expect(() => bundleToCall(carried)).toThrow(/public signals/);
  });

  it('D not on the curve, at infinity, or with a coordinate ≥ p; π not on the curve', async () => {
    const off = clone(honest);
    off.commitments![1][1] = (off.commitments![1][1] + 1n) % P;
    await expectRevert(off, 'D off the curve', 'CommitmentNotOnCurve', [2n]);
    const inf = clone(honest);
    inf.commitments![0].splice(0, 2, 0n, 0n);
    await expectRevert(inf, 'D at infinity', 'CommitmentAtInfinity', [0n]);
    const big = clone(honest);
    big.commitments![0][0] += P;
    await expectRevert(big, 'D.x + p', 'CommitmentNotBelowP', [0n]);
    const pi = clone(honest);
    pi.commitments![1][3] = (pi.commitments![1][3] + 1n) % P;
    await expectRevert(pi, 'π off the curve', 'CommitmentNotOnCurve', [3n]);
  });
});

describe('a call of the other kind reverts', () => {
  it('a plain call (no commitments argument) to the commitment contract', async () => {
    const out = await chain.send(deployment.verifier, encodeVerifierCall(SUBMIT_SIGNATURE, honest));
    expect(out.reverted).toBe(true);
    expect(decodeError(out.returnValue)).toBeUndefined(); // no such function
  });

  it("the plain package's bundle, with an empty commitments argument, to the commitment contract", async () => {
    await expectRevert({ ...plainCall, commitments: [] }, 'plain bundle to the LogUp contract', 'CommitmentMismatch', [0n]);
  });

  it('a commitment call to the plain contract', async () => {
    const out = await chain.send(plainDeployment.verifier, encodeVerifierCall(SUBMIT_COMMITMENTS_SIGNATURE, honest));
    expect(out.reverted).toBe(true);
    const r = await submit(honest, 'LogUp bundle to the plain contract', plainDeployment.verifier);
    expect(r.reverted).toBe(true);
  });
});

describe('the CLI with a LogUp package', () => {
  it('export-solidity, chain deploy and chain submit take it; a tampered D is refused', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zkinfer-sol-logup-'));
    const sol = join(work, 'verifier.sol');
    const chainFile = join(work, 'chain.json');
    const bundlePath = join(work, 'bundle.json');
    writeFileSync(bundlePath, JSON.stringify(bundle));
    const exported = await cli(['export-solidity', '--package', logup.pkg.dir, '--out', sol]);
    expect(exported.code, exported.err).toBe(0);
    expect(readFileSync(sol, 'utf8')).toBe(contractSource(plan));
    const deployed = await cli(['chain', 'deploy', '--chain', chainFile, '--contract', sol, '--json']);
    expect(deployed.code, deployed.err).toBe(0);
    const submitted = await cli(['chain', 'submit', '--chain', chainFile, bundlePath, '--json']);
    expect(submitted.code, submitted.err).toBe(0);
    expect(JSON.parse(submitted.out)).toMatchObject({ ok: true, receiptId: receiptId(logup.pkg.manifest.modelId, parseBundle(bundle, logup.pkg.manifest)), newlyRecorded: true });
    // D of chunk 0 replaced by π of chunk 0 (both valid points): the batch fails.
    const tampered = structuredClone(bundle) as { chunks: { proof: { commitment: string[]; commitmentPok: string[] } }[] };
    tampered.chunks[0].proof.commitment = [...tampered.chunks[0].proof.commitmentPok];
    const tamperedPath = join(work, 'tampered.json');
    writeFileSync(tamperedPath, JSON.stringify(tampered));
    const refused = await cli(['chain', 'submit', '--chain', chainFile, tamperedPath, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ ok: false, reason: 'ProofsInvalid()' });
  });
});
