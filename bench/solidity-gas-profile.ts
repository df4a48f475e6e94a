// Where the exported verifier's gas goes, phase by phase and opcode by opcode, for one shape
// (bench/solidity-shape.ts) or a real bundle: a tool for cutting the fixed part, not a table.
// Run: npx node bench/solidity-gas-profile.ts [CHUNKS KEYS GENERATED] | [--bundle PACKAGE_DIR,BUNDLE.json]
//
// The phases are cut at landmarks of the call: the transcript's keccak256 (the one over the
// calldata), the first key read (EXTCODECOPY of a whole key blob), the pairing call (0x08),
// the receipt's sha256 (0x02), the SSTORE of the receipt and the end. Each step's gas is the
// drop in gas left until the next step of the verifier's frame (memory expansion and the
// precompile a call runs included).
import { readFileSync } from 'node:fs';
import type { Manifest } from '@zkinfer/verifier';
import { readPackage } from '@zkinfer/prover/package/layout.ts';
import { SUBMIT_SIGNATURE, encodeVerifierCall } from '@zkinfer/prover/solidity/abi.ts';
import { bundleToCall } from '@zkinfer/prover/solidity/calldata.ts';
import { deployVerifier } from '@zkinfer/prover/solidity/deploy.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { planContract } from '@zkinfer/prover/solidity/plan.ts';
import { compileVerifier } from '@zkinfer/prover/solidity/solc.ts';
import { contractSource } from '@zkinfer/prover/solidity/source.ts';
import { shape } from './solidity-shape.ts';

interface Step {
  depth: number;
  gasLeft: bigint;
  opcode: { name: string };
  stack: bigint[];
}

const args = process.argv.slice(2);
let manifest: Manifest;
let bundle: unknown;
if (args[0] === '--bundle') {
  const [dir, path] = args[1].split(',');
  manifest = readPackage(dir).manifest;
  bundle = JSON.parse(readFileSync(path, 'utf8'));
} else {
  const [nChunks, nKeys, nGenerated] = [Number(args[0] ?? 32), Number(args[1] ?? 1), Number(args[2] ?? 8)];
  const s = shape(32, nChunks, nKeys, 6, Array.from({ length: nGenerated }, (_, i) => 100 + i));
  manifest = s.manifest;
  bundle = s.bundle;
}
const plan = planContract(manifest);
const compiled = compileVerifier(contractSource(plan), plan.keys.length);
const chain = await LocalChain.open();
const d = await deployVerifier(chain, compiled);
const keyBytes = BigInt(plan.keys[0].code.length - 1);

const phases: { name: string; ops: Map<string, bigint>; gas: bigint }[] = [];
let phase = { name: 'entry, ABI decoding, statement checks', ops: new Map<string, bigint>(), gas: 0n };
phases.push(phase);
const enter = (name: string) => {
  if (phases.some((p) => p.name === name)) return;
  phase = { name, ops: new Map(), gas: 0n };
  phases.push(phase);
};
let pending: { op: string; gasLeft: bigint } | undefined;
chain.vm.evm.events?.on('step', (step: Step) => {
  if (step.depth !== 0) return;
  if (pending) {
    const g = pending.gasLeft - step.gasLeft;
    phase.ops.set(pending.op, (phase.ops.get(pending.op) ?? 0n) + g);
    phase.gas += g;
  }
  const s = step.stack;
  const top = (i: number) => s[s.length - 1 - i];
  const name = step.opcode.name;
  if (name === 'KECCAK256' && top(1) > 1000n) enter('transcript keccak256');
  else if (phases.at(-1)?.name === 'transcript keccak256' && name !== 'KECCAK256') enter('chunks: ρ, strict points, ρA, ρC, sums');
  if (name === 'EXTCODECOPY' && top(3) === keyBytes) enter('keys: public-input sums, s·α');
  if (name === 'STATICCALL' && top(1) === 8n) enter('pairing call');
  else if (phases.at(-1)?.name === 'pairing call' && name !== 'STATICCALL') enter('receipt text');
  if (name === 'STATICCALL' && top(1) === 2n) enter('receipt sha256 and after: storage, event, return');
  pending = { op: name === 'STATICCALL' ? `STATICCALL ${top(1)}` : name, gasLeft: step.gasLeft };
});
const data = encodeVerifierCall(SUBMIT_SIGNATURE, bundleToCall(bundle).call);
const out = await chain.send(d.verifier, data);
if (out.reverted) throw new Error('the verifier refused the bundle');
const executed = phases.reduce((g, p) => g + p.gas, 0n);
console.log(`${plan.chunkKeys.length} chunks, ${plan.keys.length} keys: total ${out.gasUsed} = 21000 base + ${out.calldataGas} calldata + ${executed} executed (+ ${out.gasUsed - 21000n - out.calldataGas - executed} unaccounted: the last step, refunds)`);
for (const p of phases) {
  const top = [...p.ops.entries()].sort((a, b) => Number(b[1] - a[1])).slice(0, Number(process.env.TOP ?? 8));
  console.log(`${String(p.gas).padStart(9)}  ${p.name}: ${top.map(([op, g]) => `${op} ${g}`).join(', ')}`);
}
