import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN, call, errorOf, postJson } from './helpers.ts';

// A real LogUp package (BSB22 commitment keys) and bundle, compiled and proven in Node by
// global-setup.ts (test/helpers/logup-package.ts): the API in workerd computes each chunk's
// challenge and checks D and π.
const logup = inject('logupModel');

describe.skipIf(logup === null)(`API with a real LogUp package${logup === null ? ` (skipped: ${inject('logupModelError').split('\n')[0]})` : ''}`, () => {
  beforeAll(async () => {
    const res = await postJson('/v1/models', logup!.manifest, ADMIN);
    expect([200, 201]).toContain(res.status);
  });

  it('serves the manifest back with the keys’ commitment parts', async () => {
    const body = (await (await call(`/v1/models/${logup!.manifest.modelId}`)).json()) as { model: { manifest: { chunks: { vkey?: { commitment?: { publicIndex: number } } }[] } } };
    expect(body.model.manifest.chunks[0].vkey?.commitment?.publicIndex).toBe(7 + 4 + 1);
  });

  it('verifies the bundle (challenge computed by the API) and stores a receipt', async () => {
    const res = await postJson('/v1/verify', { model: logup!.manifest.modelId, bundle: logup!.bundle });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { valid: boolean; reason?: string; receipt: { valid: boolean } };
    expect(body.reason).toBeUndefined();
    expect(body).toMatchObject({ valid: true, receipt: { valid: true } });
  });

  it('takes the bundle as a position prefix (3 of ctx 4 positions: what the statement reads), refuses one position less', async () => {
    const k = logup!.manifest.chunksPerPosition as number;
    expect(k).toBeGreaterThanOrEqual(1);
    expect(logup!.manifest.chunks).toHaveLength(4 * k);
    expect(logup!.bundle.chunks).toHaveLength(3 * k);
    const short = { ...logup!.bundle, chunks: logup!.bundle.chunks.slice(0, 2 * k) };
    const res = await postJson('/v1/verify', { model: logup!.manifest.modelId, bundle: short });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'bad_bundle', message: expect.stringMatching(/positions the statement reads/) });
  });

  it('answers valid:false for a tampered commitment or proof of knowledge, 4xx for a missing one', async () => {
    for (const field of ['commitment', 'commitmentPok']) {
      const b = structuredClone(logup!.bundle);
      b.chunks[0].proof[field] = logup!.bundle.chunks[1].proof[field];
      const res = await postJson('/v1/verify', { model: logup!.manifest.modelId, bundle: b });
      expect(res.status, field).toBe(200);
      expect(((await res.json()) as { valid: boolean }).valid, field).toBe(false);
    }
    const missing = structuredClone(logup!.bundle);
    delete missing.chunks[1].proof.commitment;
    delete missing.chunks[1].proof.commitmentPok;
    const res = await postJson('/v1/verify', { model: logup!.manifest.modelId, bundle: missing });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await errorOf(res)).code).toBe('bad_proof');
  });
});
