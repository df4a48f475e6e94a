/**
 * JSON over HTTP for `zkinfer register` / `submit`: POST a body, return status and parsed
 * JSON; the API's error shape `{ error: { code, message } }` is rendered as one line.
 */
import { ZkinferError } from '../errors.ts';

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Base URL check: http(s) only, no trailing slash. */
export function apiBase(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ZkinferError('bad_option', `--api ${JSON.stringify(url)} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ZkinferError('bad_option', `--api ${url}: expected an http(s) URL`);
  return u.toString().replace(/\/+$/, '');
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
  } catch (err) {
    throw new ZkinferError('api_unreachable', `POST ${url}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZkinferError('api_unreachable', `POST ${url}: HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ZkinferError('api_unreachable', `POST ${url}: HTTP ${res.status}, expected a JSON object`);
  return { status: res.status, body: parsed as Record<string, unknown> };
}

/** "HTTP 409 model_conflict: …" for an error response. */
export function describeError(r: ApiResponse): string {
  const e = r.body.error as { code?: unknown; message?: unknown } | undefined;
  return e && typeof e === 'object' ? `HTTP ${r.status} ${String(e.code)}: ${String(e.message)}` : `HTTP ${r.status}`;
}
