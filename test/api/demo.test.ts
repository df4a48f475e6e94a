import { describe, expect, inject, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { db } from '../../api/src/db/client.ts';
import { models, receipts } from '../../api/src/db/schema.ts';
import { esc } from '../../api/src/routes/demo-page.ts';
import { WIDGET_VERSION } from '../../api/src/routes/widget.ts';
import { ADMIN, call, errorOf, postJson } from './helpers.ts';

const hex = (c: string) => c.repeat(64);
const EVIL = `<script>alert("x")</script>&'`;

async function seedModel(modelId: string, name: string, createdAt = 1_700_000_000_000) {
  await db(env.DB)
    .insert(models)
    .values({ modelId, name, manifest: { modelId, ctx: 16, chunks: [{}, {}, {}], ptau: { insecure: true } }, manifestHash: hex('0'), createdAt })
    .onConflictDoNothing();
}

async function seedReceipt(id: string, modelId: string, text: string | null, createdAt: number, valid = true) {
  await db(env.DB)
    .insert(receipts)
    .values({ id, modelId, statement: { promptCommitment: '7', nPrompt: 1, nGenerated: 5, generated: [1, 2, 3, 4, 5] }, bundle: {}, valid, text, createdAt });
}

async function page(path = 'http://api.test/'): Promise<{ res: Response; html: string }> {
  const res = await call(path);
  return { res, html: await res.text() };
}

// D1 storage is shared by the tests of this file (in order): ids are distinct per test and
// the empty-page test comes first.
describe('GET / (demo page)', () => {
  it('explains the three parts and says so when nothing is registered yet', async () => {
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const part of ['Prover on your machine', 'Verifier at the edge', 'Badge on any page']) expect(html).toContain(part);
    expect(html).toContain('No model registered yet');
    expect(html).toContain('No verified receipt yet');
    expect(html).not.toContain('<zkinfer-badge receipt=');
    // the badge script is loaded from this origin, versioned
    expect(html).toContain(`<script type="module" src="http://api.test/widget.js?v=${WIDGET_VERSION}"></script>`);
    expect(html).toContain('npx zkinfer prove --prompt &quot;ROMEO:&quot; -n 8 --submit --api http://api.test');
    // no inline script anywhere: the CSP forbids it
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => / src="/.test(tag))).toBe(true);
  });

  it('lists models and the latest valid receipts, newest first, and shows the latest badge with its embed lines', async () => {
    await seedModel(hex('a'), 'model-alpha');
    await seedReceipt(hex('1'), hex('a'), 'older text', 1_700_000_000_100);
    await seedReceipt(hex('2'), hex('a'), 'newest text', 1_700_000_000_300);
    await seedReceipt(hex('3'), hex('a'), 'invalid row', 1_700_000_000_500, false);
    const { html } = await page();
    expect(html).toContain('model-alpha');
    expect(html).toContain('insecure local setup');
    expect(html).toMatch(/<td>16<\/td><td>3<\/td>/); // ctx and chunk count from the manifest
    expect(html.indexOf('newest text')).toBeGreaterThan(0);
    expect(html.indexOf('newest text')).toBeLessThan(html.indexOf('older text'));
    expect(html).not.toContain('invalid row');
    expect(html).toContain(`<zkinfer-badge receipt="${hex('2')}" api="http://api.test"></zkinfer-badge>`);
    expect(html).toContain('Latest receipt');
    expect(html).not.toContain('id="not-stored"');
    // the embed lines are shown as text (escaped), not as live markup
    expect(html).toContain(`&lt;zkinfer-badge receipt=&quot;${hex('2')}&quot; api=&quot;http://api.test&quot;&gt;&lt;/zkinfer-badge&gt;`);
    expect(html).toContain(`&lt;script type=&quot;module&quot; src=&quot;http://api.test/widget.js?v=${WIDGET_VERSION}&quot;&gt;&lt;/script&gt;`);
  });

  it('shows the requested receipt, even one that does not exist (the badge says not found)', async () => {
    await seedModel(hex('a'), 'model-alpha');
    const { html } = await page(`http://api.test/?receipt=${hex('9')}`);
    expect(html).toContain(`<zkinfer-badge receipt="${hex('9')}" api="http://api.test"></zkinfer-badge>`);
    expect(html).not.toContain(`<zkinfer-badge receipt="${hex('2')}"`);
    expect(html).toContain('>Receipt <span');
    expect(html).toContain('id="not-stored"');
  });

  it('400s with the error shape for a malformed receipt id', async () => {
    const res = await call('http://api.test/?receipt=%3Cscript%3E');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_id');
  });

  it('escapes model names and generated text from the database', async () => {
    await seedModel(hex('c'), EVIL);
    await seedReceipt(hex('4'), hex('c'), `${EVIL}\nline two`, 1_700_000_000_100);
    const { html } = await page();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(esc(EVIL));
    expect(esc(EVIL)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  const toy = inject('toyModel');
  it.skipIf(!toy)('shows a receipt made through POST /v1/models and POST /v1/verify with real proofs', async () => {
    const reg = await postJson('http://api.test/v1/models', toy!.manifest, ADMIN);
    expect([200, 201]).toContain(reg.status);
    const verified = (await (await postJson('http://api.test/v1/verify', { model: toy!.manifest.modelId, bundle: toy!.bundle })).json()) as { valid: boolean; receipt: { id: string; text: string } };
    expect(verified.valid).toBe(true);
    const { html } = await page();
    expect(html).toContain(esc(toy!.manifest.name as string));
    expect(html).toContain(`<zkinfer-badge receipt="${verified.receipt.id}"`);
    expect(html).toContain(esc(verified.receipt.text));
  });
});
