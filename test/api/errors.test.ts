import { describe, expect, it } from 'vitest';
import { call, errorOf } from './helpers.ts';

describe('error shape and CORS', () => {
  it('renders unknown routes as a 404 JSON error', async () => {
    const res = await call('/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await errorOf(res)).code).toBe('not_found');
  });

  it('lets any origin read public GETs, without credentials', async () => {
    const res = await call('/v1/health', { headers: { origin: 'https://blog.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('grants the POST /v1/verify preflight but not the admin POST /v1/models one', async () => {
    const preflight = (path: string) =>
      call(path, {
        method: 'OPTIONS',
        headers: { origin: 'https://blog.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const verify = await preflight('/v1/verify');
    expect(verify.status).toBe(204);
    expect(verify.headers.get('access-control-allow-origin')).toBe('*');
    expect(verify.headers.get('access-control-allow-methods')).toContain('POST');
    expect(verify.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const admin = await preflight('/v1/models');
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    expect(admin.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('app mounting', () => {
  it('serves the badge bundle at /widget.js from the main app', async () => {
    const res = await call('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toContain('zkinfer-badge');
  });
});
