import { BadgeError } from './events.ts';

/**
 * The few API calls the badge makes (docs/proof-format.md, docs/architecture.md "API (v1, JSON)").
 * Requests never carry credentials and never send the host page's URL as referrer: the
 * badge is a public read of public data.
 */

const RECEIPT_ID = /^[0-9a-f]{64}$/;

/** What the badge shows from `GET /v1/receipts/:id` (`{ receipt: { … } }`). */
export interface ReceiptSummary {
  id: string;
  valid: boolean;
  modelId: string;
  /** Detokenized generated text, when the model has a detokenizer. Shown as text only. */
  text?: string;
  /**
   * The API says the model's keys come from an insecure (one-party) setup. Only `true` from the
   * API counts here; the in-browser check reads the manifest's own flag instead.
   */
  insecureSetup: boolean;
}

export function isReceiptId(value: string): boolean {
  return RECEIPT_ID.test(value);
}

/**
 * The API base: an absolute http(s) URL without query, fragment or trailing slash. A path
 * prefix is kept (an API mounted under /zkinfer works); anything else is refused rather than
 * guessed, because the receipt link must point exactly where the badge fetched from.
 */
export function normalizeApiBase(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadgeError('invalid_api', `api ${JSON.stringify(value.slice(0, 200))} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadgeError('invalid_api', `api ${JSON.stringify(value.slice(0, 200))} is not an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new BadgeError('invalid_api', 'api URL must not contain credentials');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function receiptPageUrl(api: string, id: string): string {
  return `${api}/v1/receipts/${id}`;
}

async function getJson(url: string, signal: AbortSignal | undefined, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal,
      credentials: 'omit',
      mode: 'cors',
      referrerPolicy: 'no-referrer',
      headers: { Accept: 'application/json' },
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new BadgeError('network_error', `could not reach the API for the ${what} (${(err as Error).message})`);
  }
  if (res.status === 404) throw new BadgeError('receipt_not_found', `the API has no ${what} (404)`);
  if (!res.ok) throw new BadgeError('http_error', `the API answered ${res.status} for the ${what}`);
  try {
    return await res.json();
  } catch {
    throw new BadgeError('bad_response', `the ${what} is not JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks only the fields the badge displays; the rest of the receipt is not trusted for anything. */
export function readReceiptSummary(json: unknown, expectedId: string): ReceiptSummary {
  const r = isObject(json) ? json.receipt : undefined;
  if (!isObject(r)) throw new BadgeError('bad_response', 'receipt response has no "receipt" object');
  if (r.id !== expectedId) throw new BadgeError('mismatch', 'the API answered with a different receipt id');
  if (typeof r.valid !== 'boolean') throw new BadgeError('bad_response', 'receipt.valid is not a boolean');
  if (typeof r.modelId !== 'string' || !RECEIPT_ID.test(r.modelId)) {
    throw new BadgeError('bad_response', 'receipt.modelId is not 64 lowercase hex');
  }
  const out: ReceiptSummary = { id: r.id, valid: r.valid, modelId: r.modelId, insecureSetup: r.insecureSetup === true };
  if (typeof r.text === 'string') out.text = r.text;
  return out;
}

export async function fetchReceipt(api: string, id: string, signal?: AbortSignal): Promise<ReceiptSummary> {
  return readReceiptSummary(await getJson(receiptPageUrl(api, id), signal, 'receipt'), id);
}

export async function fetchBundleJson(api: string, id: string, signal?: AbortSignal): Promise<unknown> {
  return getJson(`${api}/v1/receipts/${id}/bundle`, signal, 'proof bundle');
}

/** `GET /v1/models/:id` answers `{ model: { …summary, manifest } }`; returns the manifest JSON. */
export async function fetchManifestJson(api: string, modelId: string, signal?: AbortSignal): Promise<unknown> {
  const json = await getJson(`${api}/v1/models/${modelId}`, signal, 'model manifest');
  const model = isObject(json) ? json.model : undefined;
  if (!isObject(model) || !isObject(model.manifest)) throw new BadgeError('bad_response', 'model response has no "model.manifest" object');
  return model.manifest;
}
