import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { env } from 'cloudflare:workers';
import type { AppEnv } from '../../api/src/env.ts';
import { WIDGET_VERSION, widgetRoutes, widgetUrl } from '../../api/src/routes/widget.ts';

// The route as the API mounts it (`app.route('/', widgetRoutes)`), run inside workerd.
const app = new Hono<AppEnv>().route('/', widgetRoutes);
const call = (path: string, init: RequestInit = {}) => app.request(path, init, env);

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('GET /widget.js', () => {
  it('serves the badge module to any origin with a strong ETag of its bytes', async () => {
    const res = await call('/widget.js', { headers: { origin: 'https://blog.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await res.text();
    expect(body).toContain('zkinfer-badge');
    const hash = await sha256Hex(body);
    expect(res.headers.get('etag')).toBe(`"${hash}"`);
    expect(hash.startsWith(WIDGET_VERSION)).toBe(true);
  });

  it('caches the plain URL briefly and the versioned URL forever', async () => {
    const plain = await call('/widget.js');
    expect(plain.headers.get('cache-control')).toMatch(/max-age=300\b/);
    expect(plain.headers.get('cache-control')).not.toContain('immutable');
    const versioned = await call(new URL(widgetUrl('http://x')).pathname + `?v=${WIDGET_VERSION}`);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await versioned.text()).toBe(await plain.text());
    // An old version's URL must not pin today's bytes for a year.
    const stale = await call('/widget.js?v=0000000000000000');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).not.toContain('immutable');
  });

  it('answers 304 without a body when the ETag matches, 200 when it does not', async () => {
    const etag = (await call('/widget.js')).headers.get('etag')!;
    const same = await call('/widget.js', { headers: { 'if-none-match': `"other", W/${etag}` } });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    const other = await call('/widget.js', { headers: { 'if-none-match': '"other"' } });
    expect(other.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await call('/widget.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('');
  });
});
