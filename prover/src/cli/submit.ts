/**
 * Talking to a zkinfer API from the prover side: submit a proof bundle (POST /v1/verify),
 * register a compiled model (POST /v1/models, admin), and the two lines of HTML that embed
 * the badge of a receipt. Used by `zkinfer prove --submit` and by `npm start`
 * (scripts/start.ts). The API contract is docs/proof-format.md and api/src/openapi.ts.
 *
 * Only fetch and JSON: no snarkjs here, so anything may import it.
 */
import { join } from 'node:path';
import { ZkinferError } from '../errors.ts';
import { zkinferCacheDir } from '../quant/cache.ts';

/** Where `npm start` serves the local API (scripts/start.ts). */
export const DEFAULT_API = 'http://127.0.0.1:8787';

/** An API answered with its error shape `{ error: { code, message } }` or an unexpected status. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The API origin without a trailing slash; a ZkinferError bad_option naming the value when it is not an http(s) URL. */
export function apiOrigin(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ZkinferError('bad_option', `--api ${JSON.stringify(url)} is not a URL (expected e.g. ${DEFAULT_API})`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ZkinferError('bad_option', `--api ${JSON.stringify(url)}: only http and https are supported`);
  if (u.search || u.hash || u.username || u.password) throw new ZkinferError('bad_option', `--api ${JSON.stringify(url)}: give the origin (and optional path prefix) only`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

async function request(api: string, path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${api}${path}`, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ApiRequestError(0, 'unreachable', `cannot reach the API at ${api} (${cause}); is it running? (\`npm start\` serves ${DEFAULT_API})`);
  }
}

/** Reads a JSON response; non-2xx statuses become ApiRequestError with the API's code and message. */
async function jsonOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiRequestError(res.status, 'not_json', `${what}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!res.ok) {
    const code = typeof err?.code === 'string' ? err.code : 'http_error';
    const message = typeof err?.message === 'string' ? err.message : text.slice(0, 200);
    throw new ApiRequestError(res.status, code, `${what}: HTTP ${res.status} ${code}: ${message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiRequestError(res.status, 'not_object', `${what}: expected a JSON object`);
  return body as Record<string, unknown>;
}

export interface SubmitResult {
  /** The stored receipt's id; null when the proof did not verify (no receipt exists). */
  receiptId: string | null;
  /** Only when valid is false: the receipt id the claimed statement would have had. */
  claimedStatementId?: string | null;
  valid: boolean;
  /** The API's insecure-setup warning, when the model's keys come from a one-party setup. */
  warning?: string;
  /** The receipt's URL on the API (null when the proof did not verify: nothing is stored). */
  receiptUrl: string | null;
  /** Why the API refused the proof (only when valid is false). */
  reason?: string;
  /** Detokenized generated text, when the model has a detokenizer. */
  text?: string;
}

/** POST /v1/verify `{ model, bundle }`: the API checks every proof and stores a receipt if they hold. */
export async function submitBundle(api: string, bundle: Record<string, unknown>): Promise<SubmitResult> {
  const model = bundle.modelId;
  if (typeof model !== 'string') throw new ZkinferError('bad_input', 'bundle.modelId: expected a model id string');
  const res = await request(api, '/v1/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, bundle }),
  });
  const body = await jsonOf(res, 'POST /v1/verify');
  if (typeof body.valid !== 'boolean') throw new ApiRequestError(res.status, 'bad_response', 'POST /v1/verify: response has no valid flag');
  if (!body.valid) {
    // Nothing was verified: no receipt, only the id the claimed statement would have.
    const claimed = typeof body.claimedStatementId === 'string' ? body.claimedStatementId : null;
    return { receiptId: null, claimedStatementId: claimed, valid: false, receiptUrl: null, reason: typeof body.reason === 'string' ? body.reason : 'invalid' };
  }
  const receipt = body.receipt as { id?: unknown; url?: unknown; text?: unknown; insecureSetup?: unknown; warning?: unknown } | null | undefined;
  if (typeof receipt?.id !== 'string') throw new ApiRequestError(res.status, 'bad_response', 'POST /v1/verify: a valid answer has no receipt id');
  const out: SubmitResult = { receiptId: receipt.id, valid: true, receiptUrl: typeof receipt.url === 'string' ? receipt.url : null };
  if (typeof receipt.text === 'string') out.text = receipt.text;
  if (receipt.insecureSetup === true) out.warning = typeof receipt.warning === 'string' ? receipt.warning : 'insecure setup: whoever made the keys can forge proofs';
  return out;
}

export interface RegisterResult {
  modelId: string;
  /** True when this call added the model; false when the same manifest was already there. */
  created: boolean;
}

/**
 * POST /v1/models with the admin bearer token. The registry is immutable: the same manifest
 * again is a 200, a different one under the same id a 409 (ApiRequestError code model_conflict).
 */
export async function registerManifest(api: string, adminToken: string, manifest: Record<string, unknown>): Promise<RegisterResult> {
  const res = await request(api, '/v1/models', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(manifest),
  });
  const body = await jsonOf(res, 'POST /v1/models');
  const modelId = (body.model as { modelId?: unknown } | undefined)?.modelId;
  if (typeof modelId !== 'string') throw new ApiRequestError(res.status, 'bad_response', 'POST /v1/models: response has no model id');
  return { modelId, created: res.status === 201 };
}

/** True when GET /v1/models/:id finds the model (so a bundle for it can be submitted). */
export async function isRegistered(api: string, modelId: string): Promise<boolean> {
  const res = await request(api, `/v1/models/${encodeURIComponent(modelId)}`);
  if (res.status === 404) return false;
  await jsonOf(res, `GET /v1/models/${modelId}`);
  return true;
}

/**
 * The versioned URL of the badge script the API serves now: `/widget.js?v=<first 16 hex of
 * its SHA-256>` (api/src/routes/widget.ts, whose strong ETag is the full SHA-256). Asked
 * from the API rather than computed locally, since the API may run another build.
 */
export async function widgetScriptUrl(api: string): Promise<string> {
  const res = await request(api, '/widget.js');
  await res.arrayBuffer();
  const etag = /^"([0-9a-f]{64})"$/.exec(res.headers.get('etag') ?? '');
  if (!res.ok) throw new ApiRequestError(res.status, 'http_error', `GET /widget.js: HTTP ${res.status}`);
  return etag ? `${api}/widget.js?v=${etag[1].slice(0, 16)}` : `${api}/widget.js`;
}

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
    throw new ApiRequestError(404, 'model_not_found', `model ${modelId} is not registered at ${api}: \`npm start\` registers the default model; for another package use \`zkinfer register --api ${api} --package DIR\``);
  }
}
