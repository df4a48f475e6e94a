import { env } from 'cloudflare:workers';
import app from '../../api/src/index.ts';

export const ADMIN = { authorization: 'Bearer test-admin-token' };

/** Calls the app in-process with the test bindings (D1 with the real migrations). */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.request(path, init, env));
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface ErrorJson {
  error: { code: string; message: string };
}

/** Asserts the one error shape and returns it. */
export async function errorOf(res: Response): Promise<ErrorJson['error']> {
  const body = (await res.json()) as ErrorJson;
  if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string' || Object.keys(body).length !== 1) {
    throw new Error(`not the API error shape: ${JSON.stringify(body)}`);
  }
  return body.error;
}
