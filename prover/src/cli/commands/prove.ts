import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { writeOpening } from '../../bundle/opening.ts';
import { chunksToProve, poolThreads, proveBundle } from '../../bundle/prove-bundle.ts';
import { generateInt } from '../../infer/int.ts';
import { readPackage } from '../../package/layout.ts';
import { loadPackageModel } from '../../package/model.ts';
import { shutdownProver } from '../../snark/prove.ts';
import { chosenEngine } from '../../snark/engine.ts';
import { DEFAULT_API } from '../../client/api.ts';
import { defaultPackageDir, defaultProofPath, formatSubmitReport, preflightSubmit, submitAndDescribe } from '../submit.ts';
import { ZkinferError } from '../../errors.ts';

const usage = `usage: zkinfer prove [--package DIR] --prompt TEXT -n N [--out proof.json] [--opening FILE] [--threads N] [--all-positions] [--submit [--api URL]] [--json]

Generates N tokens greedily with the integer inference, proves the chunks of the forward pass
that the statement reads (on parallel workers, or one at a time on all cores), checks the bundle
with the strict verifier and writes it, plus the private opening file (prompt, tokens, salt;
mode 0600). With position chunks (compile's default layout) that is the first
prompt + N − 1 positions, not the package's whole ctx: a short generation proves in
proportion to its length (docs/proof-format.md "Position prefixes"). The prover is zkinfer's
native one (prover/native, built by npm install) unless it could not be built (then snarkjs,
said in one line) or ZKINFER_PROVER=snarkjs|native forces either.

  --package DIR    a package made by zkinfer compile (default: the default model's package
                   that \`npm start\` compiles, ${defaultPackageDir()})
  --prompt TEXT    the private prompt (BOS is prepended when the tokenizer has one)
  -n, --tokens N   tokens to generate (≥ 1; prompt + N ≤ the package's ctx)
  --out FILE       proof bundle (JSON; default: a new file under ${dirname(defaultProofPath())})
  --opening FILE   opening file (default: <out without .json>.opening.json)
  --threads N      N > 0: N workers proving chunks concurrently, a single-threaded prover each
                   (default: one per CPU core, no more than the chunks; a single chunk
                   is proven on all cores); 0: one chunk at a time on all cores.
                   Whole bundles (T = 32) on 2 cores with 2 workers and the native
                   prover: the default model 15.3 s, stories260K 66.3 s (BENCHMARKS.md
                   "Proof pipeline by range backend")
  --all-positions  prove every position of the ctx (a bundle the Solidity verifier of
                   \`zkinfer export-solidity\` takes: it checks whole bundles only)
  --submit         send the bundle to the API (POST /v1/verify) and print the receipt URL
                   and the two lines of HTML that embed its badge; exit 1 if refused
  --api URL        the API for --submit (default ${DEFAULT_API}, the one \`npm start\` runs)
  --json           print { bundle, opening, receiptId, generated, text } paths as JSON`;

export const command: Command = {
  name: 'prove',
  summary: 'prove a greedy generation with a compiled package',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      options: {
        package: { type: 'string' },
        prompt: { type: 'string', required: true },
        tokens: { type: 'integer', short: 'n', required: true, min: 1 },
        out: { type: 'string' },
        opening: { type: 'string' },
        threads: { type: 'integer', default: Math.min(64, availableParallelism()), min: 0, max: 64 },
        json: { type: 'boolean' },
        submit: { type: 'boolean' },
        api: { type: 'string' },
        'all-positions': { type: 'boolean' },
      },
    });
    if (values.api !== undefined && !values.submit) throw new UsageError('--api is only used with --submit');
    if (values.package === undefined) {
      values.package = defaultPackageDir();
      if (!existsSync(values.package)) throw new UsageError(`--package is required: no default package at ${values.package} (\`npm start\` compiles it)`);
    }
    if (values.out === undefined) {
      values.out = defaultProofPath();
      mkdirSync(dirname(values.out), { recursive: true });
    }
    const n = values.tokens;
    const threads = values.threads;
    const out = resolve(values.out);
    const openingPath = resolve(values.opening ?? out.replace(/(\.json)?$/, '.opening.json'));
    if (openingPath === out) throw new UsageError('--opening must differ from --out');
    const log = (msg: string) => console.error(`zkinfer prove: ${msg}`);

    const pkg = readPackage(resolve(values.package));
    if (values.submit) await preflightSubmit(values.api ?? DEFAULT_API, pkg.manifest.modelId);
    const { q, tokenizer } = await loadPackageModel(pkg);
    const promptTokens = tokenizer.encode(values.prompt, { bos: true });
    if (promptTokens.length === 0) throw new UsageError('--prompt is empty and the tokenizer has no BOS token');
    const ctx = pkg.manifest.ctx;
    if (promptTokens.length + n > ctx) throw new ZkinferError('bad_option', `${promptTokens.length} prompt tokens + ${n} generated exceed the package's ctx ${ctx}`);
    log(`${promptTokens.length} prompt tokens, generating ${n} (integer inference)`);
    const generated = generateInt(q, promptTokens, n);
    const text = tokenizer.decode(generated);
    const positions = values['all-positions'] ? 'all' : 'read';
    const nChunks = chunksToProve(pkg.manifest, { nPrompt: promptTokens.length, nGenerated: generated.length }, positions);
    const workers = poolThreads(threads, nChunks);
    log(`generated: ${JSON.stringify(text)}; proving ${nChunks} of ${pkg.manifest.chunks.length} chunks with the ${chosenEngine()} prover on ${workers === 0 ? 'all cores, one chunk at a time' : `${workers} worker${workers === 1 ? '' : 's'}`}`);
    let r;
    try {
      r = await proveBundle({ pkg, q, promptTokens, generated, threads, positions, onProgress: log });
    } finally {
      // --threads 0 proves on snarkjs's multi-threaded curve in this process: its workers would keep it alive.
      await shutdownProver();
    }
    if (existsSync(out)) log(`overwriting ${out}`);
    writeFileSync(out, `${JSON.stringify(r.bundle)}\n`);
    writeOpening(openingPath, { ...r.opening, prompt: values.prompt! });
    let submitted: Awaited<ReturnType<typeof submitAndDescribe>> | undefined;
    if (values.json) {
      if (values.submit) submitted = await submitAndDescribe(values.api ?? DEFAULT_API, r.bundle);
      console.log(JSON.stringify({ bundle: out, opening: openingPath, receiptId: r.receiptId, generated, text, proveSeconds: r.proveMs / 1000, ...(submitted ? { submitted } : {}) }));
    } else {
      console.log(text);
      console.log(`\nproof bundle: ${out} (verified locally; receipt id ${r.receiptId})`);
      console.log(`opening (PRIVATE, reveals the prompt): ${openingPath}`);
      if (values.submit) {
        log(`submitting to ${values.api ?? DEFAULT_API}`);
        submitted = await submitAndDescribe(values.api ?? DEFAULT_API, r.bundle);
        console.log(`\n${formatSubmitReport(submitted)}`);
      }
    }
    return submitted && !submitted.valid ? 1 : 0;
  },
};
