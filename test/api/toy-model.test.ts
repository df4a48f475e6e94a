import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN, call, errorOf, postJson } from './helpers.ts';

// Real snarkjs keys and proofs (test/helpers/toy-model.ts), built in Node by global-setup.ts.
const toy = inject('toyModel');

describe.skipIf(toy === null)(`API with a real snarkjs toy model${toy === null ? ` (skipped: ${inject('toyModelError').split('\n')[0]})` : ''}`, () => {
  beforeAll(async () => {
    const res = await postJson('/v1/models', toy!.manifest, ADMIN);
    expect([200, 201]).toContain(res.status);
  });

  it('registers the manifest idempotently and serves it back with its keys', async () => {
    expect((await postJson('/v1/models', toy!.manifest, ADMIN)).status).toBe(200);
    const res = await call(`/v1/models/${toy!.manifest.modelId}`);
    const body = (await res.json()) as { model: { manifest: { chunks: { vkeyHash: string }[] } } };
    expect(body.model.manifest.chunks.map((c) => c.vkeyHash)).toEqual(toy!.manifest.chunks.map((c: { vkeyHash: string }) => c.vkeyHash));
  });

  it('verifies real bundles, stores receipts with decoded text, and serves the bundle back', async () => {
    for (const [bundle, text] of [[toy!.bundle, '!ok'], [toy!.otherBundle, 'hi']] as const) {
      const res = await postJson('/v1/verify', { model: toy!.manifest.modelId, bundle });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { valid: boolean; reason?: string; receipt: { id: string; text?: string; valid: boolean } };
      expect(body.reason).toBeUndefined();
      expect(body.valid).toBe(true);
      expect(body.receipt.text).toBe(text);
      expect(await (await call(`/v1/receipts/${body.receipt.id}/bundle`)).json()).toEqual(bundle);
      expect(await (await call(`/v1/receipts/${body.receipt.id}/badge.svg`)).text()).toContain('verified');
    }
  });

  it('answers valid:false for a real proof presented with another statement, and stores nothing', async () => {
    // Chunk proofs from two different statements spliced together: each proof is real, the bundle is not.
    const spliced = structuredClone(toy!.bundle);
    spliced.chunks[1].proof = toy!.otherBundle.chunks[1].proof;
    const res = await postJson('/v1/verify', { model: toy!.manifest.modelId, bundle: spliced });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { valid: boolean; receipt: null; claimedStatementId: string };
    expect(body.valid).toBe(false);
    expect(body.receipt).toBeNull();
    expect((await call(`/v1/receipts/${body.claimedStatementId}`)).status).toBe(200); // the genuine statement's receipt (same signals) stays valid
  });

  it('refuses the manifest under the same id with one key swapped for another real key (409)', async () => {
    const swapped = structuredClone(toy!.manifest);
    [swapped.chunks[0].vkey, swapped.chunks[1].vkey] = [swapped.chunks[1].vkey, swapped.chunks[0].vkey];
    [swapped.chunks[0].vkeyHash, swapped.chunks[1].vkeyHash] = [swapped.chunks[1].vkeyHash, swapped.chunks[0].vkeyHash];
    const res = await postJson('/v1/models', swapped, ADMIN);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('model_conflict');
  });
});
