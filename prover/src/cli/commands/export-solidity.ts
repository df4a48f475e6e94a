import { readFileSync, writeFileSync } from 'node:fs';
import { VerifyInputError, checkKeySafety, parseManifest, parseVerificationKey, type Manifest } from '@zkinfer/verifier';
import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { readPackage } from '../../package/layout.ts';
import { defaultPackageDir } from '../submit.ts';
import { planContract } from '../../solidity/plan.ts';
import { contractSource } from '../../solidity/source.ts';
import { groth16ContractSource } from '../../solidity/groth16-contract.ts';
import { ZkinferError } from '../../errors.ts';

const usage = `usage: zkinfer export-solidity [--package DIR | --manifest FILE | --vkey FILE] --out FILE.sol [--json]

Writes one Solidity file for the model: ZkinferVerifier, a contract that checks a whole proof
bundle as the API does (statement, every chunk's public signals, chunk order, commitment chain,
model tag, every Groth16 proof in one batched pairing check) and records its receipt id, and
one ZkinferKey<j> contract per distinct verification key (the keys live in contract code, so
the verifier stays under EIP-170's 24,576 bytes). Deploy the keys first, then the verifier
with their addresses; \`zkinfer chain deploy\` does that on a local chain. For a LogUp package
(compiled with --ranges logup) the verifier also takes every chunk's BSB22 commitment (D, π) and
recomputes its challenge. docs/solidity.md.

  --package DIR    a package made by zkinfer compile (its manifest.json; default: the default
                   model's package that \`npm start\` compiles, ${defaultPackageDir()})
  --manifest FILE  a registered manifest (docs/proof-format.md), e.g. from GET /v1/models/ID
  --vkey FILE      instead: ONE Groth16 verification key (snarkjs JSON, with its BSB22
                   commitment if it has one): ZkinferGroth16Verifier, a batch verifier of
                   proofs under that key (docs/solidity.md "One key, with a BSB22 commitment")
  --out FILE.sol   the Solidity file to write
  --json           print a JSON summary`;

export const command: Command = {
  name: 'export-solidity',
  summary: 'export a Solidity verifier of a model\'s proof bundles (EVM)',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, { options: { package: { type: 'string' }, manifest: { type: 'string' }, vkey: { type: 'string' }, out: { type: 'string', required: true }, json: { type: 'boolean' } } });
    if ([values.package, values.manifest, values.vkey].filter((v) => v !== undefined).length > 1) throw new UsageError('give one of --package, --manifest, --vkey');
    if (values.vkey !== undefined) return exportOneKey(values.vkey as string, values.out as string, values.json === true);
    let manifest: Manifest;
    if (values.manifest === undefined) {
      manifest = readPackage(values.package ?? defaultPackageDir()).manifest;
    } else {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(values.manifest as string, 'utf8'));
      } catch (err) {
        throw new TypeError(`${values.manifest}: cannot read a JSON manifest (${(err as Error).message})`);
      }
      // A manifest served by the API may come wrapped as { model: { manifest } }: accept the bare manifest only.
      manifest = parseManifest(json);
    }
    const plan = planContract(manifest);
    const source = contractSource(plan);
    writeFileSync(values.out, source);
    const summary = {
      out: values.out,
      modelId: plan.modelId,
      chunks: plan.chunkKeys.length,
      keys: plan.keys.length,
      pairingPairs: plan.chunkKeys.length + plan.slotSources.length,
      keyCodeBytes: plan.keys.map((k) => k.code.length),
    };
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(`wrote ${values.out}: ZkinferVerifier for model ${plan.modelId} (${manifest.name}), ${summary.chunks} chunks`);
      console.log(`  ${summary.keys} key contract(s) of ${summary.keyCodeBytes[0]} bytes each; one pairing check of ${summary.pairingPairs} pairs per bundle`);
      console.log(`  next: zkinfer chain deploy --chain chain.json --contract ${values.out}`);
    }
    return 0;
  },
};

/** --vkey: the one-key contract (groth16-contract.ts). */
function exportOneKey(path: string, out: string, json: boolean): number {
  let source: string;
  let summary: { out: string; nPublic: number; commitment: boolean };
  try {
    const vk = parseVerificationKey(JSON.parse(readFileSync(path, 'utf8')), 'vkey');
    checkKeySafety(vk, 'vkey');
    source = groth16ContractSource(vk);
    summary = { out, nPublic: vk.nPublic, commitment: vk.commitment !== undefined };
  } catch (err) {
    if (err instanceof VerifyInputError || err instanceof SyntaxError || err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ZkinferError('bad_input', `${path}: ${(err as Error).message}`);
    }
    throw err;
  }
  writeFileSync(out, source);
  if (json) console.log(JSON.stringify(summary));
  else console.log(`wrote ${out}: ZkinferGroth16Verifier for one key (${summary.nPublic} public signals${summary.commitment ? ', with a BSB22 commitment' : ''})`);
  return 0;
}
