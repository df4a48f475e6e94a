import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { db } from '../../api/src/db/client.ts';
import { models, receipts } from '../../api/src/db/schema.ts';
import { call, errorOf } from './helpers.ts';

const hex = (c: string) => c.repeat(64);

// Rows are inserted directly here so that receipt reads are tested independently of the
// verifier; verify.test.ts covers rows written by POST /v1/verify.
async function seed(modelId: string, receiptId: string, name = 'seed-model', ptau?: { insecure: boolean }) {
  const d = db(env.DB);
  await d.insert(models).values({ modelId, name, manifest: ptau ? { modelId, ptau } : { modelId }, manifestHash: hex('0'), createdAt: 1_700_000_000_000 }).onConflictDoNothing();
  await d.insert(receipts).values({
    id: receiptId,
    modelId,
    statement: { promptCommitment: '7', nPrompt: 1, nGenerated: 2, generated: [104, 105] },
    bundle: { version: 1, marker: receiptId },
    valid: true,
    text: 'hi',
    createdAt: 1_700_000_000_123,
  });
}

describe('GET /v1/receipts/:id', () => {
  it('returns a stored receipt with its url, statement and text', async () => {
    await seed(hex('a'), hex('b'));
    const res = await call(`http://api.test/v1/receipts/${hex('b')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.json()).toEqual({
      receipt: {
        id: hex('b'),
        url: `http://api.test/v1/receipts/${hex('b')}`,
        valid: true,
        modelId: hex('a'),
        statement: { promptCommitment: '7', nPrompt: 1, nGenerated: 2, generated: [104, 105] },
        text: 'hi',
        createdAt: new Date(1_700_000_000_123).toISOString(),
        // The seeded manifest has no ptau flag: only an explicit `insecure: false` is trusted.
        insecureSetup: true,
        warning: expect.stringMatching(/^insecure setup: .* can forge proofs/),
      },
    });
  });

  it('404s with the error shape for an unknown id and 400s for a malformed one', async () => {
    const missing = await call(`/v1/receipts/${hex('9')}`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('receipt_not_found');
    const malformed = await call('/v1/receipts/NOT-HEX');
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('invalid_id');
  });

  it('serves the stored bundle for re-verification', async () => {
    await seed(hex('a'), hex('c'));
    const res = await call(`/v1/receipts/${hex('c')}/bundle`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: 1, marker: hex('c') });
    expect((await call(`/v1/receipts/${hex('8')}/bundle`)).status).toBe(404);
  });

  it('refuses a receipt whose model is not registered (foreign key) and a non-boolean valid', async () => {
    await expect(
      env.DB.prepare('INSERT INTO receipts (id, model_id, statement, bundle, valid, created_at) VALUES (?, ?, ?, ?, 1, 0)')
        .bind(hex('e'), hex('f'), '{}', '{}')
        .run(),
    ).rejects.toThrow(/FOREIGN KEY/i);
    await seed(hex('a'), hex('1'));
    await expect(
      env.DB.prepare('INSERT INTO receipts (id, model_id, statement, bundle, valid, created_at) VALUES (?, ?, ?, ?, 2, 0)')
        .bind(hex('2'), hex('a'), '{}', '{}')
        .run(),
    ).rejects.toThrow(/CHECK/i);
  });
});

describe('GET /v1/receipts/:id/badge.svg', () => {
  it('shows "verified" with the escaped model name for a stored receipt, cached long', async () => {
    await seed(hex('d'), hex('3'), '<script>alert("x")</script> & co', { insecure: false });
    const res = await call(`/v1/receipts/${hex('3')}/badge.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toContain('max-age=31536000');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const svg = await res.text();
    expect(svg).toContain('verified');
    expect(svg).toContain('#4c1');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co');
  });

  it('shows "unknown" (still an image, short cache) for unknown and malformed ids', async () => {
    for (const id of [hex('4'), 'garbage<>']) {
      const res = await call(`/v1/receipts/${encodeURIComponent(id)}/badge.svg`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
      const svg = await res.text();
      expect(svg).toContain('unknown receipt');
      expect(svg).not.toContain('verified');
      expect(svg).not.toContain('garbage');
    }
  });
});
