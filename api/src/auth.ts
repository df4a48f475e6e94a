import type { Context } from 'hono';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

const encoder = new TextEncoder();

/**
 * Checks `Authorization: Bearer <token>` against the ADMIN_TOKEN secret without leaking
 * where (or whether by length) they differ: both sides are hashed to 32 bytes with SHA-256
 * and the digests compared with an accumulate-XOR loop that always touches every byte.
 */
export async function requireAdmin(c: Context<AppEnv>): Promise<void> {
  const expected = c.env.ADMIN_TOKEN;
  if (typeof expected !== 'string' || expected.length === 0) {
    throw new ApiError(503, 'admin_disabled', 'model registration is disabled: the ADMIN_TOKEN secret is not set');
  }
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const presented = match ? match[1] : '';
  if (!(await constantTimeEqual(presented, expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="zkinfer-admin"');
    throw new ApiError(401, 'unauthorized', 'a valid admin bearer token is required');
  }
}

export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < da.length; i++) diff |= da[i] ^ db[i];
  return diff === 0 && a.length > 0;
}

async function sha256(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(s)));
}
