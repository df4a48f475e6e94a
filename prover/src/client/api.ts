/**
 * The one client of the zkinfer API on the prover side: `zkinfer submit`, `zkinfer register`,
 * `zkinfer prove --submit` (cli/submit.ts) and `npm start` (scripts/start.ts) all go through it,
 * with one URL rule (apiOrigin) and one error type (ApiError). The API contract is
 * docs/proof-format.md and api/src/openapi.ts; its error shape is `{ error: { code, message } }`.
 *
 * Only fetch and JSON: no snarkjs here, so anything may import it.
 */
import { ZkinferError } from '../errors.ts';

/** Where `npm start` serves the local API (scripts/start.ts). */
export const DEFAULT_API = 'http://127.0.0.1:8787';

/**
 * The API refused a request (code api_refused: an HTTP error status, or an answer that is not
 * the JSON the contract promises) or could not be reached (api_unreachable, status 0).
 * `apiCode` is the API's own error code (`model_conflict`, `bad_point`…), `body` its answer.
 */
export class ApiError extends ZkinferError {
  override name = 'ApiError';
  readonly status: number;
  readonly apiCode: string;
  readonly body: unknown;

  constructor(status: number, apiCode: string, message: string, body?: unknown) {
    super(status === 0 ? 'api_unreachable' : 'api_refused', message);
    this.status = status;
    this.apiCode = apiCode;
    this.body = body;
  }
}

/**
 * The API origin and optional path prefix, without a trailing slash; a ZkinferError bad_option
 * naming the value when it is not an http(s) URL or carries a query, fragment or credentials.
 */
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
    throw new ApiError(0, 'unreachable', `cannot reach the API at ${api} (${cause}); is it running? (\`npm start\` serves ${DEFAULT_API})`);
  }
}

/** Reads a JSON object answer; a non-2xx status becomes an ApiError with the API's code, message and body. */
async function jsonOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(res.status || 502, 'not_json', `${what}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!res.ok) {
    const code = typeof err?.code === 'string' ? err.code : 'http_error';
    const message = typeof err?.message === 'string' ? err.message : text.slice(0, 200);
    throw new ApiError(res.status, code, `${what}: HTTP ${res.status} ${code}: ${message}`, body);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(res.status, 'not_object', `${what}: expected a JSON object`, body);
  return body as Record<string, unknown>;
}

function postJson(api: string, path: string, payload: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(api, path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(payload) });
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

/** POST /v1/verify `{ model, bundle }` and the API's answer as it came (`zkinfer submit --json`). */
export async function postBundle(api: string, bundle: Record<string, unknown>): Promise<Record<string, unknown>> {
  const model = bundle.modelId;
  if (typeof model !== 'string') throw new ZkinferError('bad_input', 'bundle.modelId: expected a model id string');
  return jsonOf(await postJson(api, '/v1/verify', { model, bundle }), 'POST /v1/verify');
}

/** POST /v1/verify: the API checks every proof and stores a receipt if they hold. */
export async function submitBundle(api: string, bundle: Record<string, unknown>): Promise<SubmitResult> {
  return readVerifyAnswer(await postBundle(api, bundle));
}

/** The verdict in a POST /v1/verify answer (docs/proof-format.md "API"). */
export function readVerifyAnswer(body: Record<string, unknown>): SubmitResult {
  if (typeof body.valid !== 'boolean') throw new ApiError(200, 'bad_response', 'POST /v1/verify: response has no valid flag', body);
  if (!body.valid) {
    // Nothing was verified: no receipt, only the id the claimed statement would have.
    const claimed = typeof body.claimedStatementId === 'string' ? body.claimedStatementId : null;
    return { receiptId: null, claimedStatementId: claimed, valid: false, receiptUrl: null, reason: typeof body.reason === 'string' ? body.reason : 'invalid' };
  }
  const receipt = body.receipt as { id?: unknown; url?: unknown; text?: unknown; insecureSetup?: unknown; warning?: unknown } | null | undefined;
  if (typeof receipt?.id !== 'string') throw new ApiError(200, 'bad_response', 'POST /v1/verify: a valid answer has no receipt id', body);
  const out: SubmitResult = { receiptId: receipt.id, valid: true, receiptUrl: typeof receipt.url === 'string' ? receipt.url : null };
  if (typeof receipt.text === 'string') out.text = receipt.text;
  if (receipt.insecureSetup === true) out.warning = typeof receipt.warning === 'string' ? receipt.warning : 'insecure setup: whoever made the keys can forge proofs';
  return out;
}

export interface RegisterResult {
  modelId: string;
  /** True when this call added the model; false when the same manifest was already there. */
  created: boolean;
  /** The registry's hash of the manifest, when the API reports it. */
  manifestHash?: string;
}

/**
 * POST /v1/models with the admin bearer token. The registry is immutable: the same manifest
 * again is a 200, a different one under the same id a 409 (ApiError apiCode model_conflict).
 */
export async function registerManifest(api: string, adminToken: string, manifest: Record<string, unknown>): Promise<RegisterResult> {
  const res = await postJson(api, '/v1/models', manifest, { authorization: `Bearer ${adminToken}` });
  const body = await jsonOf(res, 'POST /v1/models');
  const model = body.model as { modelId?: unknown; manifestHash?: unknown } | undefined;
  if (typeof model?.modelId !== 'string') throw new ApiError(res.status, 'bad_response', 'POST /v1/models: response has no model id', body);
  const out: RegisterResult = { modelId: model.modelId, created: res.status === 201 };
  if (typeof model.manifestHash === 'string') out.manifestHash = model.manifestHash;
  return out;
}

/** True when GET /v1/health answers `{ ok: true }` within `timeoutMs` (a readiness probe: never throws). */
export async function isHealthy(api: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${api}/v1/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok && ((await res.json()) as { ok?: unknown } | null)?.ok === true;
  } catch {
    return false; // not listening yet, or not JSON
  }
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
  if (!res.ok) throw new ApiError(res.status, 'http_error', `GET /widget.js: HTTP ${res.status}`);
  return etag ? `${api}/widget.js?v=${etag[1].slice(0, 16)}` : `${api}/widget.js`;
}
