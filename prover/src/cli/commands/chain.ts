import { readFileSync } from 'node:fs';
import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { bundleToCall } from '../../solidity/calldata.ts';
import { isRecorded, submitCall, verifierModelId } from '../../solidity/client.ts';
import { deployVerifier } from '../../solidity/deploy.ts';
import { LocalChain } from '../../solidity/local-chain.ts';
import { compileVerifier } from '../../solidity/solc.ts';
import { decodeBundleVerified } from '../../solidity/abi.ts';
import { ZkinferError } from '../../errors.ts';

const EIP170_LIMIT = 24_576;

const usage = `usage: zkinfer chain deploy --chain FILE --contract FILE.sol [--json]
       zkinfer chain submit --chain FILE [--verifier ADDR] proof.json [--json]
       zkinfer chain receipts --chain FILE [--json]

A local Ethereum chain with no network: an in-process EVM (@ethereumjs/vm, Prague rules)
whose state lives in the JSON file --chain (created on first use). Transactions come from a
development account with a public key: for trying the verifier, never for value.

  deploy    compiles FILE.sol (from zkinfer export-solidity) with solc, deploys its key
            contracts and ZkinferVerifier; prints the addresses, code sizes and gas
  submit    sends the bundle to the verifier (default: the last one deployed): on success the
            contract records the receipt id (the API's) and emits BundleVerified; prints the
            receipt id, the event and the gas. exit 1 if the contract refuses the bundle
  receipts  lists the BundleVerified events on the chain

exit codes: 0 ok, 1 refused by the contract, 2 bad arguments or malformed bundle`;

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ZkinferError('bad_input', `${path}: cannot read JSON (${(err as Error).message})`);
  }
}

async function deploy(chainPath: string, contract: string, json: boolean): Promise<number> {
  const source = readFileSync(contract, 'utf8');
  const nKeys = [...source.matchAll(/^contract ZkinferKey(\d+) /gm)].length;
  if (nKeys === 0 || !/^contract ZkinferVerifier /m.test(source)) throw new ZkinferError('bad_input', `${contract}: not a file written by zkinfer export-solidity`);
  const compiled = compileVerifier(source, nKeys);
  if (compiled.verifier.deployedBytecode.length > EIP170_LIMIT) throw new Error(`ZkinferVerifier is ${compiled.verifier.deployedBytecode.length} bytes, over EIP-170's ${EIP170_LIMIT}`);
  const chain = await LocalChain.open(chainPath);
  const d = await deployVerifier(chain, compiled);
  chain.file.names.verifier = d.verifier;
  chain.save(chainPath);
  const modelId = await verifierModelId(chain, d.verifier);
  if (json) console.log(JSON.stringify({ verifier: d.verifier, keys: d.keys, modelId, verifierCodeSize: d.verifierCodeSize, keyCodeSizes: d.keyCodeSizes, gasUsed: String(d.gasUsed), solc: compiled.solcVersion }));
  else {
    console.log(`deployed ZkinferVerifier at ${d.verifier} for model ${modelId} (${d.verifierCodeSize} bytes of code; EIP-170 allows ${EIP170_LIMIT})`);
    console.log(`  ${d.keys.length} key contract(s): ${d.keys.map((a, i) => `${a} (${d.keyCodeSizes[i]} bytes)`).join(', ')}`);
    console.log(`  gas ${d.gasUsed}; solc ${compiled.solcVersion}; chain ${chainPath}, block ${chain.file.blockNumber}`);
  }
  return 0;
}

async function submit(chainPath: string, verifierArg: string | undefined, bundlePath: string, json: boolean): Promise<number> {
  const chain = await LocalChain.open(chainPath);
  const verifier = verifierArg ?? chain.file.names.verifier;
  if (!verifier) throw new UsageError(`no verifier deployed on ${chainPath}: run zkinfer chain deploy first, or pass --verifier`);
  let encoded;
  try {
    encoded = bundleToCall(readJsonFile(bundlePath));
  } catch (err) {
    if (json) console.log(JSON.stringify({ ok: false, malformed: true, reason: (err as Error).message }));
    else console.error(`zkinfer chain submit: ${bundlePath}: ${(err as Error).message}`);
    return 2;
  }
  const modelId = await verifierModelId(chain, verifier);
  if (modelId !== encoded.modelId) throw new ZkinferError('bad_input', `the bundle is for model ${encoded.modelId}, the verifier at ${verifier} for ${modelId}`);
  const r = await submitCall(chain, verifier, encoded.call);
  chain.save(chainPath);
  const gas = Object.fromEntries(Object.entries(r.gas).map(([k, v]) => [k, String(v)]));
  if (r.reverted) {
    const reason = r.error ? `${r.error.name}(${r.error.args.join(', ')})` : 'reverted without a known error (out of gas?)';
    if (json) console.log(JSON.stringify({ ok: false, reason, gas }));
    else console.log(`REFUSED by the contract: ${reason}; gas ${r.gas.total}`);
    return 1;
  }
  const recorded = await isRecorded(chain, verifier, r.receiptId as string);
  if (json) console.log(JSON.stringify({ ok: true, receiptId: r.receiptId, newlyRecorded: r.recorded, recorded, event: r.event && { ...r.event, promptCommitment: String(r.event.promptCommitment) }, block: chain.file.blockNumber, gas }));
  else {
    console.log(`verified on chain: receipt ${r.receiptId} ${r.recorded ? 'recorded' : 'was already recorded (same statement; no new event)'} in block ${chain.file.blockNumber}`);
    if (r.event) console.log(`  event BundleVerified(model ${r.event.modelId}, receipt ${r.event.receiptId}, promptCommitment ${r.event.promptCommitment}, generated [${r.event.generated.join(', ')}])`);
    const g = r.gas;
    console.log(`  gas ${g.total}: pairing ${g.pairing}, chunk scalars ${g.chunkScalars}, public inputs ${g.publicInputs}, calldata ${g.calldata}, sha256 ${g.sha256}, base ${g.base}, other ${g.other}`);
  }
  return 0;
}

async function receipts(chainPath: string, json: boolean): Promise<number> {
  const chain = await LocalChain.open(chainPath);
  const events = chain.file.logs
    .map((l) => ({ block: l.block, address: l.address, event: decodeBundleVerified(l.topics.map((t) => Buffer.from(t, 'hex')), Buffer.from(l.data, 'hex')) }))
    .filter((e) => e.event !== undefined);
  if (json) console.log(JSON.stringify(events.map((e) => ({ block: e.block, address: e.address, ...e.event, promptCommitment: String(e.event?.promptCommitment) }))));
  else if (events.length === 0) console.log('no BundleVerified events');
  else for (const e of events) console.log(`block ${e.block} ${e.address}: receipt ${e.event?.receiptId} model ${e.event?.modelId} generated [${e.event?.generated.join(', ')}]`);
  return 0;
}

export const command: Command = {
  name: 'chain',
  summary: 'deploy an exported verifier to a local EVM chain and submit bundles to it',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseCommandArgs(rest, {
      options: { chain: { type: 'string', required: '--chain FILE is required' }, contract: { type: 'string' }, verifier: { type: 'string' }, json: { type: 'boolean' } },
      positionals: { min: 0, max: Number.MAX_SAFE_INTEGER, what: 'arguments' },
    });
    if (sub === 'deploy') {
      if (values.contract === undefined || positionals.length > 0) throw new UsageError('deploy takes --contract FILE.sol');
      return deploy(values.chain, values.contract, values.json);
    }
    if (sub === 'submit') {
      if (positionals.length !== 1) throw new UsageError('submit takes exactly one proof bundle file');
      if (values.verifier !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.verifier)) throw new UsageError('--verifier must be a 0x address');
      return submit(values.chain, values.verifier?.toLowerCase(), positionals[0], values.json);
    }
    if (sub === 'receipts') return receipts(values.chain, values.json);
    throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}: expected deploy, submit or receipts`);
  },
};
