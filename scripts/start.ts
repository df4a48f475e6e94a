/**
 * `npm start`: the whole local stack on the bundled default model (or `--model FILE`).
 *   1. the local API: widget bundle, local D1 migrations, .dev.vars ADMIN_TOKEN, `wrangler dev`
 *      on 127.0.0.1:8787 (scripts/lib/local-api.ts);
 *   2. the model compiled ONCE into the cache (scripts/lib/default-package.ts; later runs
 *      reuse it and start in seconds), with compile's progress shown as it goes. A --model
 *      package goes to the same place as the default one, so that `zkinfer prove` without
 *      --package uses the model this stack registered;
 *   3. the model registered with the API (idempotent);
 *   4. the demo page URL and the next command to try.
 * Ctrl-C (or SIGTERM) stops wrangler, workerd and any running compile. The API survives
 * aborted uploads and restarts wrangler if it exits; killing this process (even with SIGKILL)
 * or wrangler leaves nothing listening (scripts/lib/local-api.ts).
 *
 *   npm start [-- --port 8787] [--model FILE] [--ctx 32] [--chunk-power auto] [--layout positions] [--persist-to DIR]
 * The cache directory is $ZKINFER_CACHE_DIR, else $XDG_CACHE_HOME/zkinfer, else ~/.cache/zkinfer.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHUNK_LAYOUTS, type ChunkLayout } from '@zkinfer/prover/chunks/position.ts';
import { ApiError, registerManifest } from '@zkinfer/prover/client/api.ts';
import { defaultPackageDir } from '@zkinfer/prover/cli/submit.ts';
import { DEFAULT_CHOICE, ensurePackage, type PackageChoice } from './lib/default-package.ts';
import { startLocalApi, type LocalApi } from './lib/local-api.ts';

const USAGE = `usage: npm start [-- --port N] [--model FILE] [--ctx T] [--chunk-power K] [--layout L] [--persist-to DIR] [--quiet-api]
  --port N         API port on 127.0.0.1 (default 8787)
  --model FILE     the model to compile and register instead of the bundled default: a GGUF
                   file, or model.safetensors with config.json beside it (e.g. my.gguf)
  --ctx T          positions per proof (default ${DEFAULT_CHOICE.ctx}; at most the model's context length)
  --chunk-power K  chunk circuits below 2^K rows (default ${DEFAULT_CHOICE.chunkPower}: the K with the least total proving domain at which the pass fits 256 chunks)
  --layout L       positions (default; one key per chunk kind, a short setup) or layers
                   (one key per chunk: a long setup, less proving per bundle for larger
                   models; zkinfer compile prints when it pays, docs/decisions.md 9)
  --persist-to DIR local D1 state (default .wrangler/state)
  --quiet-api      do not echo wrangler's request log`;

function fail(message: string): never {
  console.error(`npm start: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function layoutOption(text: string): ChunkLayout {
  if (!CHUNK_LAYOUTS.includes(text as ChunkLayout)) fail(`--layout ${JSON.stringify(text)} is not one of ${CHUNK_LAYOUTS.join(', ')}`);
  return text as ChunkLayout;
}

function intOption(name: string, text: string, lo: number, hi: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < lo || n > hi) fail(`--${name} ${JSON.stringify(text)} is not an integer in ${lo}..${hi}`);
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      model: { type: 'string' },
      ctx: { type: 'string', default: String(DEFAULT_CHOICE.ctx) },
      'chunk-power': { type: 'string', default: String(DEFAULT_CHOICE.chunkPower) },
      layout: { type: 'string', default: 'positions' },
      'persist-to': { type: 'string' },
      'quiet-api': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = intOption('port', values.port, 1, 65535);
const choice: PackageChoice = {
  ctx: intOption('ctx', values.ctx, 2, 4096),
  chunkPower: values['chunk-power'] === 'auto' ? 'auto' : intOption('chunk-power', values['chunk-power'], 8, 27),
  layout: layoutOption(values.layout),
};
if (values.model !== undefined) {
  // Absolute: the package records the path it was compiled from, and reuse compares it.
  const model = resolve(values.model);
  if (!existsSync(model) || !statSync(model).isFile()) fail(`--model ${JSON.stringify(values.model)}: no such file`);
  choice.model = model;
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (msg: string) => console.error(`[start ${elapsed()}] ${msg}`);

let stack: LocalApi | undefined;
let stopping: Promise<never> | undefined;
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    say('stopping the local API');
    await stack?.stop();
    process.exit(code);
  })();
  return stopping;
}
// The compile child shares our process group, so a terminal's Ctrl-C reaches it directly;
// wrangler runs in its own group (to take workerd with it) and is stopped here.
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

try {
  say(`starting the local API on 127.0.0.1:${port} (wrangler dev --local, local D1)`);
  let apiReady = false;
  stack = await startLocalApi({
    port,
    persistDir: values['persist-to'],
    onLine: (line) => {
      // Before it is up, everything wrangler says helps diagnose; after, only the request log.
      if (!apiReady || !values['quiet-api'] || line.startsWith('[local-api]')) console.error(`  api | ${line}`);
    },
  });
  apiReady = true;
  say(`API ready at ${stack.api}`);

  const dir = defaultPackageDir();
  say(`package of ${choice.model ?? 'the bundled default model'} for T=${choice.ctx}, ${choice.chunkPower === 'auto' ? 'chunk power chosen by compile' : `chunks < 2^${choice.chunkPower} rows`}, ${choice.layout} layout: ${dir}`);
  const ensured = await ensurePackage(dir, choice, { onLine: (line) => console.error(`  compile | ${line.replace(/^zkinfer compile: /, '')}`) });
  const { manifest } = ensured.pkg;
  say(ensured.compiled ? `compiled in ${ensured.seconds.toFixed(1)} s: ${manifest.chunks.length} chunks` : `reusing the compiled package (${manifest.chunks.length} chunks)`);

  const reg = await registerManifest(stack.api, stack.adminToken, ensured.pkg.manifestJson).catch((err: Error) => {
    // The local registry is immutable too: keys made again (a cleared cache) are a different
    // manifest for the same model id. Say how to get a fresh local registry.
    if (err instanceof ApiError && err.apiCode === 'model_conflict') {
      throw new Error(`${err.message}\nThe local D1 (${values['persist-to'] ?? '.wrangler/state'}) registered this model with other keys, e.g. before its key cache was cleared: start with --persist-to a new directory, or delete that one.`);
    }
    throw err;
  });
  say(`model ${reg.modelId} ${reg.created ? 'registered' : 'already registered'} (${manifest.name}, T=${manifest.ctx}${manifest.ptau.insecure ? ', INSECURE local ptau: development only' : ''})`);

  const api = stack.api;
  const portFlag = port === 8787 ? '' : ` --api ${api}`;
  // "ROMEO:" is 6 byte tokens; with a smaller --ctx, suggest a proof that fits the package.
  const T = manifest.ctx;
  const [prompt, n] = T >= 14 ? ['ROMEO:', 8] : T >= 8 ? ['ROMEO:', T - 6] : ['R', T - 1];
  console.log(
    [
      '',
      `zkinfer is running (ready in ${elapsed()}).`,
      `  demo page:  ${api}/`,
      `  API:        ${api}/v1/models   ${api}/v1/openapi.json`,
      '',
      'Next, in another terminal, prove a prompt with the registered model and submit it:',
      `  npx zkinfer prove --prompt "${prompt}" -n ${n} --submit${portFlag}`,
      '',
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
  // Stay up while the API runs (local-api.ts restarts wrangler when it exits unexpectedly);
  // when it stops for good, say why and end the whole group (shutdown → stop()).
  const why = await stack.exited;
  if (!stopping) {
    say(`the local API stopped: ${why}`);
    await shutdown(1);
  }
} catch (err) {
  // After Ctrl-C the compile child dies of the same SIGINT: that is no error to report.
  if (stopping) await stopping;
  console.error(`npm start: ${(err as Error).message}`);
  await shutdown(err instanceof RangeError || err instanceof TypeError ? 2 : 1);
}
