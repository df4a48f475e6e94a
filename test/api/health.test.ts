import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import app from '../../api/src/index.ts';

describe('health', () => {
  it('answers ok', async () => {
    const res = await app.request('/v1/health', {}, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
