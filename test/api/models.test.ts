import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import app from '../../api/src/index.ts';
import { canonicalVkeyJsonPerSpec, trapdoorModel } from './fixtures/trapdoor.ts';
import { sha256Hex } from '../../api/src/hash.ts';
import { ADMIN, call, errorOf, postJson } from './helpers.ts';

const register = (manifest: unknown, headers: Record<string, string> = ADMIN) => postJson('/v1/models', manifest, headers);

/** A copy of the manifest with chunk 0's key changed (and its vkeyHash recomputed to match). */
function withKey(manifest: Record<string, any>, change: (vkey: any) => void) {
  const m = structuredClone(manifest);
  change(m.chunks[0].vkey);
  m.chunks[0].vkeyHash = sha256Hex(canonicalVkeyJsonPerSpec(m.chunks[0].vkey));
  return m;
}

describe('POST /v1/models (admin)', () => {
  it('requires the admin bearer token', async () => {
    const { manifest } = trapdoorModel();
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token' }, { authorization: 'test-admin-token' }]) {
      const res = await register(manifest, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await errorOf(res)).code).toBe('unauthorized');
    }
    expect((await call(`/v1/models/${manifest.modelId}`)).status).toBe(404);
  });

  it('is disabled (503) when no ADMIN_TOKEN secret is configured', async () => {
    const res = await app.request(
      '/v1/models',
      { method: 'POST', headers: { authorization: 'Bearer ' }, body: '{}' },
      { ...env, ADMIN_TOKEN: '' },
    );
    expect(res.status).toBe(503);
    expect((await errorOf(res)).code).toBe('admin_disabled');
  });

  it('registers (201), accepts the same manifest again however spelled (200), refuses a different one (409)', async () => {
    const { manifest } = trapdoorModel({ name: 'registry-test' });
    const first = await register(manifest);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { model: { modelId: string; name: string; manifestHash: string; manifest: unknown } };
    expect(created.model.modelId).toBe(manifest.modelId);
    expect(created.model.name).toBe('registry-test');
    expect(created.model.manifest).toEqual(manifest);
    expect(first.headers.get('access-control-allow-origin')).toBeNull(); // admin route: no CORS

    // Same manifest with keys in another order and snarkjs's derived vk_alphabeta_12 added.
    const respelled = Object.fromEntries(Object.entries(structuredClone(manifest)).reverse());
    respelled.chunks[0].vkey.vk_alphabeta_12 = [[['1', '0'], ['0', '0'], ['0', '0']], [['0', '0'], ['0', '0'], ['0', '0']]];
    const again = await register(respelled);
    expect(again.status).toBe(200);
    expect(((await again.json()) as typeof created).model.manifestHash).toBe(created.model.manifestHash);

    const renamed = await register({ ...manifest, name: 'registry-test-2' });
    expect(renamed.status).toBe(409);
    expect((await errorOf(renamed)).code).toBe('model_conflict');
    const stored = (await (await call(`/v1/models/${manifest.modelId}`)).json()) as typeof created;
    expect(stored.model.name).toBe('registry-test');
  });

  it('refuses unsafe verification keys with 422 and the reason', async () => {
    const { manifest } = trapdoorModel();
    const cases: [string, (vkey: any) => void, string][] = [
      ['delta = gamma', (v) => (v.vk_delta_2 = v.vk_gamma_2), 'unsafe_key'],
      [
        'delta = G2 generator',
        (v) =>
          (v.vk_delta_2 = [
            ['10857046999023057135944570762232829481370756359578518086990519993285655852781', '11559732032986387107991004021392285783925812861821192530917403151452391805634'],
            ['8495653923123431417604973247489272438418190587263600148770280649306958101930', '4082367875863433681332203403145435568316851327593401208105741076214120093531'],
            ['1', '0'],
          ]),
        'unsafe_key',
      ],
      ['point off the curve', (v) => (v.IC[1] = [v.IC[1][0], (BigInt(v.IC[1][1]) + 1n).toString(), '1']), 'not_on_curve'],
      ['IC too short (an unbound public input)', (v) => v.IC.pop(), 'unsafe_key'],
    ];
    for (const [what, change, code] of cases) {
      const res = await register(withKey(manifest, change));
      expect(res.status, what).toBe(422);
      const error = await errorOf(res);
      expect(error.code, what).toBe(code);
      expect(error.message, what).toMatch(/chunks\[0\]\.vkey/);
    }
    expect((await call(`/v1/models/${manifest.modelId}`)).status).toBe(404);
  });

  it('refuses malformed manifests with 400: unknown field, missing field, bad JSON', async () => {
    const { manifest } = trapdoorModel();
    const unknown = await register({ ...manifest, extra: 1 });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).code).toBe('unknown_field');
    const { ctx: _ctx, ...noCtx } = manifest;
    const missing = await register(noCtx);
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).code).toBe('missing_field');
    const broken = await call('/v1/models', { method: 'POST', headers: ADMIN, body: '{"version":1,' });
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe('malformed_json');
  });

  it('caps the body at 4 MiB by Content-Length and by actual bytes', async () => {
    const big = 'x'.repeat(4 * 1024 * 1024 + 1);
    const declared = await call('/v1/models', { method: 'POST', headers: { ...ADMIN, 'content-length': String(big.length) }, body: big });
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).code).toBe('payload_too_large');
    // A stream has no Content-Length: the cap must hold while reading.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < bytes.length; i += 65536) ctl.enqueue(bytes.slice(i, i + 65536));
        ctl.close();
      },
    });
    const streamed = await call('/v1/models', { method: 'POST', headers: ADMIN, body: stream });
    expect(streamed.status).toBe(413);
  });
});

describe('GET /v1/models', () => {
  it('lists summaries in model id order with a paging cursor, and serves one model with its keys', async () => {
    const made = [trapdoorModel({ name: 'list-a' }), trapdoorModel({ name: 'list-b' }), trapdoorModel({ name: 'list-c' })];
    for (const { manifest } of made) expect((await register(manifest)).status).toBe(201);
    const all: { modelId: string; name: string }[] = [];
    let after: string | null = null;
    do {
      const res = await call(`/v1/models?limit=2${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { models: { modelId: string; name: string }[]; next: string | null };
      expect(page.models.length).toBeLessThanOrEqual(2);
      expect(page.models.every((m) => !('manifest' in m))).toBe(true);
      all.push(...page.models);
      after = page.next;
    } while (after);
    const ids = all.map((m) => m.modelId);
    expect(ids).toEqual([...ids].sort());
    for (const { manifest } of made) expect(ids).toContain(manifest.modelId);

    const one = await call(`/v1/models/${made[1].manifest.modelId}`, { headers: { origin: 'https://x.example' } });
    expect(one.status).toBe(200);
    expect(one.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await one.json()) as { model: { name: string; manifest: { chunks: { vkey: unknown }[] } } };
    expect(body.model.name).toBe('list-b');
    expect(body.model.manifest.chunks[1].vkey).toEqual(made[1].manifest.chunks[1].vkey);
  });

  it('rejects bad query parameters and ids with 400', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'after=zz']) {
      const res = await call(`/v1/models?${q}`);
      expect(res.status, q).toBe(400);
      await errorOf(res);
    }
    expect((await call('/v1/models/ABC')).status).toBe(400);
  });
});
