/**
 * What `zkinfer prove --submit` and `npm start` do around the API client (client/api.ts):
 * submit and describe the receipt, the two lines of HTML that embed its badge, the preflight
 * before proving, and the default package and proof paths.
 */
import { join } from 'node:path';
import { zkinferCacheDir } from '../quant/cache.ts';
import { ApiError, apiOrigin, isRegistered, submitBundle, widgetScriptUrl, type SubmitResult } from '../client/api.ts';


const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function attr(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/** The two lines of HTML that show a receipt's badge on any page (widget/README.md). */
export function embedSnippet(api: string, scriptUrl: string, receiptId: string): [string, string] {
  return [`<script type="module" src="${attr(scriptUrl)}"></script>`, `<zkinfer-badge receipt="${attr(receiptId)}" api="${attr(api)}"></zkinfer-badge>`];
}

export interface SubmitReport extends SubmitResult {
  api: string;
  /** The demo page of the API showing this receipt's badge (api/src/routes/demo.ts); null without a receipt. */
  demoUrl: string | null;
  /** The two embed lines; null when the proof did not verify (there is no receipt to show). */
  embed: [string, string] | null;
}

/** What `zkinfer prove --submit` does after proving: submit, then describe the receipt. */
export async function submitAndDescribe(apiUrl: string, bundle: Record<string, unknown>): Promise<SubmitReport> {
  const api = apiOrigin(apiUrl);
  const result = await submitBundle(api, bundle);
  if (result.receiptId === null) return { ...result, api, demoUrl: null, embed: null };
  const embed = embedSnippet(api, await widgetScriptUrl(api), result.receiptId);
  return { ...result, api, demoUrl: `${api}/?receipt=${result.receiptId}`, embed };
}

/** Human-readable lines for a SubmitReport (stdout of `prove --submit` without --json). */
export function formatSubmitReport(r: SubmitReport): string {
  if (!r.valid) return `The API at ${r.api} REFUSED the proof: ${r.reason ?? 'invalid'} (no receipt stored).`;
  return [
    `verified by ${r.api}`,
    ...(r.warning ? [`WARNING: ${r.warning}`] : []),
    `receipt:   ${r.receiptUrl ?? r.receiptId}`,
    `demo page: ${r.demoUrl}`,
    '',
    'Embed the badge on any page with these two lines:',
    ...(r.embed ?? []),
  ].join('\n');
}

/**
 * Where `npm start` (scripts/start.ts) compiles the bundled default model, and where
 * `zkinfer prove` looks when --package is omitted: <cache>/packages/default, with <cache> =
 * $ZKINFER_CACHE_DIR, else $XDG_CACHE_HOME/zkinfer, else ~/.cache/zkinfer.
 */
export function defaultPackageDir(): string {
  return join(zkinferCacheDir(), 'packages', 'default');
}

/** Where `zkinfer prove` writes the bundle when --out is omitted: <cache>/proofs/<time>.json. */
export function defaultProofPath(now = new Date()): string {
  return join(zkinferCacheDir(), 'proofs', `${now.toISOString().replace(/[:.]/g, '-')}.json`);
}

/**
 * Checked before proving (which takes minutes): the API answers and knows the model, so a
 * `prove --submit` never spends the proving time only to find the API down or the model missing.
 */
export async function preflightSubmit(apiUrl: string, modelId: string): Promise<void> {
  const api = apiOrigin(apiUrl);
  if (!(await isRegistered(api, modelId))) {
    throw new ApiError(404, 'model_not_found', `model ${modelId} is not registered at ${api}: \`npm start\` registers the default model; for another package use \`zkinfer register --api ${api} --package DIR\``);
  }
}
