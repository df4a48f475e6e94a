// Gas of the bundle verifier (ZkinferVerifier) for a LogUp package against the plain package of
// the same model (docs/solidity.md "Commitments in the bundle"): the micro transformer of
// test/helpers/logup-package.ts compiled both ways at ctx 2 and 4 (position chunks: one chunk per
// position, one key), one real bundle each, submitted in @ethereumjs/vm (Prague).
// Run: npx node bench/solidity-bundle-commit-gas.ts — writes the `solidity-bundle-commit-gas`
// section of BENCHMARKS.md. Needs the native prover; keys come from $ZKINFER_CACHE_DIR.
import { PLAIN_RANGES, type RangeBackend } from '@zkinfer/prover/circuit/range-backend.ts';
import { bundleToCall } from '@zkinfer/prover/solidity/calldata.ts';
import { submitCall, type GasParts } from '@zkinfer/prover/solidity/client.ts';
import { deployVerifier } from '@zkinfer/prover/solidity/deploy.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { planContract } from '@zkinfer/prover/solidity/plan.ts';
import { compileVerifier } from '@zkinfer/prover/solidity/solc.ts';
import { contractSource } from '@zkinfer/prover/solidity/source.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { compileMicro, LOGUP_DEFAULT } from '../test/helpers/logup-package.ts';
import { markdownTable, writeBenchSection } from './report.ts';

interface Row {
  kind: string;
  ctx: number;
  chunks: number;
  keys: number;
  codeSize: number;
  gas: GasParts;
}

async function measure(ranges: RangeBackend, ctx: number): Promise<Row> {
  const micro = await compileMicro(ranges, ctx);
  try {
    const { bundle } = await micro.prove([84], 1);
    const plan = planContract(micro.pkg.manifest);
    const chain = await LocalChain.open();
    const d = await deployVerifier(chain, compileVerifier(contractSource(plan), plan.keys.length));
    const r = await submitCall(chain, d.verifier, bundleToCall(bundle).call);
    if (r.reverted) throw new Error(`${ranges.kind} ctx ${ctx}: the honest bundle reverted (${r.error?.name})`);
    return { kind: ranges.kind, ctx, chunks: plan.chunkKeys.length, keys: plan.keys.length, codeSize: d.verifierCodeSize, gas: r.gas };
  } finally {
    micro.dispose();
  }
}

const rows: Row[] = [];
for (const ctx of [2, 4]) for (const ranges of [PLAIN_RANGES, LOGUP_DEFAULT]) rows.push(await measure(ranges, ctx));
await shutdownProver();

const at = (kind: string, ctx: number) => rows.find((r) => r.kind === kind && r.ctx === ctx)!;
const table = markdownTable(
  ['package', 'ctx', 'chunks', 'keys', 'runtime bytes', 'total gas', 'pairing', 'commitments (sha256, ecMul, ecAdd)', 'calldata', 'other'],
  rows.map((r) => [r.kind, r.ctx, r.chunks, r.keys, r.codeSize, r.gas.total, r.gas.pairing, r.gas.commitments, r.gas.calldata, r.gas.other].map(String)),
);
const diff = (ctx: number) => at('logup', ctx).gas.total - at('plain', ctx).gas.total;
const perChunk = (diff(4) - diff(2)) / BigInt(at('logup', 4).chunks - at('logup', 2).chunks);
const summary = [
  `LogUp − plain: ${diff(2)} gas at ctx 2 (${at('logup', 2).chunks} chunks), ${diff(4)} at ctx 4 (${at('logup', 4).chunks} chunks);`,
  `from the two: **+${perChunk} gas per chunk** (two sha256 calls over the ${128 + 32 * 11}-byte challenge message at ctx 4, four ecMul and four ecAdd, 128 calldata bytes),`,
  `and the rest, **+${diff(4) - perChunk * BigInt(at('logup', 4).chunks)} at ctx 4**, is per key and per bundle (the σ₂ pair, 34,000 by EIP-1108; the message's fixed part).`,
  'The ctx change also changes the per-key public-input work of both kinds alike, so the per-chunk figure is the difference of differences.',
].join('\n');
const md = `## Solidity: the bundle verifier with BSB22 commitments (issue 16; @ethereumjs/vm, Prague)

Reproduce: \`npx node bench/solidity-bundle-commit-gas.ts\` (needs the native prover). Gas does not depend on the machine or its load.
ZkinferVerifier of the micro transformer (test/helpers/logup-package.ts: d = 8, one layer) compiled plain and with
\`--ranges logup:8\`, one real bundle each (a 1-token prompt, 1 generated token), whole transaction (21,000, calldata, execution).

${table}

${summary}`;
writeBenchSection('solidity-bundle-commit-gas', md);
console.log(md);
