import type { Context } from 'hono';
import { ApiError } from './errors.ts';

/** Request body caps: a manifest carries one verification key per chunk; a bundle one proof per chunk. */
export const MAX_MODEL_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_VERIFY_BODY_BYTES = 1 * 1024 * 1024;

const MIB = 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload_too_large', `request body exceeds ${limit / MIB} MiB`);
}

/**
 * Reads the request body as JSON with a hard byte cap. Content-Length is checked first
 * (cheap refusal), then the actual bytes while streaming, because Content-Length can be
 * absent (chunked) or wrong. Bad UTF-8 or JSON is a 400, never a 500.
 */
export async function readJsonBody(c: Context, limit: number): Promise<unknown> {
  const declared = c.req.header('content-length');
  if (declared !== undefined) {
    const n = Number(declared);
    if (!/^\d+$/.test(declared.trim()) || !Number.isSafeInteger(n)) {
      throw new ApiError(400, 'bad_content_length', `Content-Length ${JSON.stringify(declared)} is not a byte count`);
    }
    if (n > limit) throw tooLarge(limit);
  }
  // Content-Type is not enforced: `curl -d` sends form encoding by default, and the body
  // must parse as JSON whatever it is labelled.
  const bytes = await readCapped(c.req.raw.body, limit);
  if (bytes.length === 0) throw new ApiError(400, 'empty_body', 'request body is empty; expected a JSON object');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, 'malformed_json', 'request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'malformed_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
}

async function readCapped(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The JSON body must be an object with exactly the allowed keys (unknown fields are refused). */
export function expectObject(value: unknown, where: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_body', `${where} must be a JSON object`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ApiError(400, 'unknown_field', `${where} has unknown field ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
    }
  }
  return value as Record<string, unknown>;
}
