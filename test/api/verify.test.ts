import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { randomG1, rerandomize, trapdoorModel, type TrapdoorModel } from './fixtures/trapdoor.ts';
import { ADMIN, call, errorOf, postJson } from './helpers.ts';
import { parseBundle, receiptId } from '@zkinfer/verifier';

const receiptIdOf = (bundle: unknown) => {
  const b = parseBundle(bundle);
  return receiptId(b.modelId, b);
};

// Genuine Groth16 proofs over trapdoor keys (see fixtures/trapdoor.ts); the snarkjs-made
// toy model is exercised in toy-model.test.ts when its fixture is available.
let model: TrapdoorModel;
beforeAll(async () => {
  model = trapdoorModel({ name: 'verify-test', insecure: false });
  expect((await postJson('/v1/models', model.manifest, ADMIN)).status).toBe(201);
});

interface ReceiptJson {
  id: string;
  url: string | null;
  valid: boolean;
  modelId: string;
  statement: unknown;
  text?: string;
  createdAt: string;
  insecureSetup: boolean;
  warning?: string;
}
interface VerifyJson {
  valid: boolean;
  reason?: string;
  receipt: ReceiptJson;
}
/** The answer to a bundle that did not verify: no receipt, the claimed statement's id named as such. */
interface InvalidJson {
  valid: false;
  reason: string;
  receipt: null;
  claimedStatementId: string;
}

const verify = (bundle: unknown, model_ = model.manifest.modelId) => postJson('http://api.test/v1/verify', { model: model_, bundle });
const countReceipts = async (id: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM receipts WHERE id = ?').bind(id).first<{ n: number }>())!.n;

describe('POST /v1/verify with a valid bundle', () => {
  it('stores a receipt and returns it with the decoded text; receipt, bundle and badge are served', async () => {
    const bundle = model.prove({ nPrompt: 2, generated: [104, 105, 33] });
    const res = await verify(bundle);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as VerifyJson;
    expect(body.valid).toBe(true);
    expect(body.receipt).toMatchObject({ valid: true, modelId: model.manifest.modelId, statement: bundle.statement, text: 'hi!' });
    expect(body.receipt.id).toMatch(/^[0-9a-f]{64}$/);
    expect(body.receipt.url).toBe(`http://api.test/v1/receipts/${body.receipt.id}`);
    expect(await countReceipts(body.receipt.id)).toBe(1);

    const got = (await (await call(`http://api.test/v1/receipts/${body.receipt.id}`)).json()) as { receipt: ReceiptJson };
    expect(got.receipt).toEqual(body.receipt);
    expect(await (await call(`/v1/receipts/${body.receipt.id}/bundle`)).json()).toEqual(bundle);
    const badge = await (await call(`/v1/receipts/${body.receipt.id}/badge.svg`)).text();
    expect(badge).toContain('verified · verify-test');
    expect(body.receipt.insecureSetup).toBe(false);
    expect(body.receipt).not.toHaveProperty('warning');
    expect(badge).not.toMatch(/insecure/i);
  });

  it('says in words wherever the verdict is shown that a model with an insecure setup can be forged', async () => {
    const unsafe = trapdoorModel({ name: 'unsafe-model', insecure: true });
    expect((await postJson('/v1/models', unsafe.manifest, ADMIN)).status).toBe(201);
    const body = (await (await verify(unsafe.prove({ nPrompt: 1, generated: [104] }), unsafe.manifest.modelId)).json()) as VerifyJson;
    expect(body.valid).toBe(true);
    expect(body.receipt.insecureSetup).toBe(true);
    expect(body.receipt.warning).toMatch(/insecure setup.*one-party.*can forge proofs/);
    const got = (await (await call(`http://api.test/v1/receipts/${body.receipt.id}`)).json()) as { receipt: ReceiptJson };
    expect(got.receipt).toEqual(body.receipt);
    const svg = await (await call(`/v1/receipts/${body.receipt.id}/badge.svg`)).text();
    // The visible text, the <title> and the accessible name (aria-label) all carry the words.
    expect(svg).toMatch(/aria-label="zkinfer: verified, INSECURE SETUP · unsafe-model"/);
    expect(svg).toMatch(/<title>zkinfer: verified, INSECURE SETUP · unsafe-model<\/title>/);
    expect(svg).toMatch(/<text[^>]*y="14">verified, INSECURE SETUP · unsafe-model<\/text>/);
    expect(svg).not.toContain('#4c1'); // not the green of a trustworthy verdict either
  });

  it('is idempotent: a re-randomized proof of the same statement gets the same receipt', async () => {
    const bundle = model.prove({ nPrompt: 1, generated: [65] });
    const first = (await (await verify(bundle)).json()) as VerifyJson;
    const again = structuredClone(bundle);
    again.chunks = again.chunks.map((c: any) => ({ ...c, proof: rerandomize(c.proof) }));
    expect(again.chunks[0].proof.pi_a).not.toEqual(bundle.chunks[0].proof.pi_a);
    const second = (await (await verify(again)).json()) as VerifyJson;
    expect(second.valid).toBe(true);
    expect(second.receipt).toEqual(first.receipt);
    expect(await countReceipts(first.receipt.id)).toBe(1);
  });

  it('stores exactly one row for concurrent duplicate submissions', async () => {
    const bundle = model.prove({ nPrompt: 3, generated: [1, 2, 3, 4] });
    const results = await Promise.all(Array.from({ length: 6 }, () => verify(bundle).then((r) => r.json() as Promise<VerifyJson>)));
    const ids = new Set(results.map((r) => r.receipt.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.valid)).toBe(true);
    expect(new Set(results.map((r) => r.receipt.createdAt)).size).toBe(1);
    expect(await countReceipts([...ids][0])).toBe(1);
  });
});

describe('POST /v1/verify with a well-formed but invalid bundle', () => {
  const cases: [string, (b: any) => void, RegExp][] = [
    ['forged pi_c', (b) => (b.chunks[1].proof.pi_c = randomG1()), /Groth16/],
    ['proofs of chunk 0 and 1 swapped', (b) => ([b.chunks[0].proof, b.chunks[1].proof] = [b.chunks[1].proof, b.chunks[0].proof]), /Groth16/],
    ['statement claims another token', (b) => (b.statement.generated[0] = 120), /posTokens/],
    ['broken commitment chain', (b) => (b.chunks[1].publicSignals[2] = '5'), /chain|Groth16/],
  ];
  for (const [what, tamper, reason] of cases) {
    it(`answers 200 valid:false and stores nothing: ${what}`, async () => {
      const bundle = model.prove({ nPrompt: 2, generated: [104, 105] });
      tamper(bundle);
      const res = await verify(bundle);
      expect(res.status).toBe(200);
      const body = (await res.json()) as InvalidJson;
      expect(body.valid).toBe(false);
      expect(body.reason).toMatch(reason);
      // No receipt (so no receipt id and no text decoded from unverified tokens), only the
      // claimed statement's id under its own name.
      expect(Object.keys(body).sort()).toEqual(['claimedStatementId', 'reason', 'receipt', 'valid']);
      expect(body.receipt).toBeNull();
      expect(body.claimedStatementId).toBe(receiptIdOf(bundle));
      expect(await countReceipts(body.claimedStatementId)).toBe(0);
      expect((await call(`/v1/receipts/${body.claimedStatementId}`)).status).toBe(404);
      expect(await (await call(`/v1/receipts/${body.claimedStatementId}/badge.svg`)).text()).toContain('unknown receipt');
    });
  }

  it('does not downgrade an already verified statement', async () => {
    const bundle = model.prove({ nPrompt: 1, generated: [66, 67] });
    const good = (await (await verify(bundle)).json()) as VerifyJson;
    const forged = structuredClone(bundle);
    forged.chunks[0].proof.pi_c = randomG1();
    const bad = (await (await verify(forged)).json()) as InvalidJson;
    expect(bad.valid).toBe(false);
    expect(bad.receipt).toBeNull();
    expect(bad.claimedStatementId).toBe(good.receipt.id);
    const stored = (await (await call(`/v1/receipts/${good.receipt.id}`)).json()) as { receipt: ReceiptJson };
    expect(stored.receipt.valid).toBe(true);
  });
});

describe('POST /v1/verify with malformed input', () => {
  it('maps each kind of bad request to its 4xx and code', async () => {
    const bundle = model.prove({ nPrompt: 1, generated: [70] });
    const id = model.manifest.modelId;
    const overR = structuredClone(bundle);
    overR.chunks[0].publicSignals[4] = '21888242871839275222246405745257275088548364400416034343698204186575808495617';
    const shortSignals = structuredClone(bundle);
    shortSignals.chunks[0].publicSignals.pop();
    const offCurve = structuredClone(bundle);
    offCurve.chunks[1].proof.pi_a = ['1', '3', '1'];
    const cases: [string, unknown, number, string][] = [
      ['unknown top-level field', { model: id, bundle, extra: true }, 400, 'unknown_field'],
      ['unknown bundle field', { model: id, bundle: { ...bundle, note: 'x' } }, 400, 'unknown_field'],
      ['missing bundle', { model: id }, 400, 'missing_field'],
      ['model not a string', { model: 42, bundle }, 400, 'invalid_id'],
      ['model not hex', { model: 'abc', bundle }, 400, 'invalid_id'],
      ['unregistered model', { model: 'f'.repeat(64), bundle }, 404, 'model_not_found'],
      // The registry is asked before the bundle is parsed: an unknown model is a 404 even when
      // its bundle would be refused by the parser (a proof point off the curve, garbage).
      ['unregistered model, point off the curve', { model: 'f'.repeat(64), bundle: offCurve }, 404, 'model_not_found'],
      ['unregistered model, garbage bundle', { model: 'f'.repeat(64), bundle: 'x' }, 404, 'model_not_found'],
      ['point off the curve', { model: id, bundle: offCurve }, 422, 'not_on_curve'],
      // …and against the model's manifest before any point is checked.
      ['bundle of another model', { model: id, bundle: { ...offCurve, modelId: 'e'.repeat(64) } }, 400, 'bad_bundle'],
      ['bundle ctx not the model\'s', { model: id, bundle: { ...bundle, ctx: 9 } }, 400, 'bad_bundle'],
      ['signal equal to r', { model: id, bundle: overR }, 422, 'bad_field_element'],
      ['wrong signal count', { model: id, bundle: shortSignals }, 400, 'wrong_signal_count'],
      ['array body', [1, 2], 400, 'invalid_body'],
    ];
    for (const [what, body, status, code] of cases) {
      const res = await postJson('/v1/verify', body);
      expect(res.status, what).toBe(status);
      expect((await errorOf(res)).code, what).toBe(code);
    }
  });

  it('caps the body at 1 MiB', async () => {
    const bundle = model.prove({ nPrompt: 1, generated: [70] });
    const padded = JSON.stringify({ model: model.manifest.modelId, bundle }) + ' '.repeat(1024 * 1024);
    const res = await call('/v1/verify', { method: 'POST', body: padded });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
  });

  it('never answers 500 to garbage bodies', async () => {
    const garbage: (string | Uint8Array)[] = [
      '',
      'null',
      '"string"',
      '123',
      '{',
      '{"model":',
      '{"model":null,"bundle":null}',
      '{"__proto__":{"model":"x"}}',
      '{"model":"' + 'a'.repeat(64) + '","bundle":{"version":1,"chunks":"x"}}',
      '{"model":"' + model.manifest.modelId + '","bundle":{"version":1,"modelId":"' + model.manifest.modelId + '","ctx":1e400,"statement":{},"chunks":[]}}',
      '{"model":"' + model.manifest.modelId + '","bundle":{"version":1,"modelId":"' + model.manifest.modelId + '","ctx":8,"statement":{"promptCommitment":"-1","nPrompt":1,"nGenerated":1,"generated":[1]},"chunks":[]}}',
      new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
      '\u0000\u0001',
      '[' .repeat(5000),
    ];
    // Plus random mutations of a valid request: flip characters and truncate.
    const valid = JSON.stringify({ model: model.manifest.modelId, bundle: model.prove({ nPrompt: 1, generated: [71] }) });
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 30; i++) {
      const chars = valid.split('');
      for (let k = 0; k < 3; k++) chars[rand(chars.length)] = '{}[]",:0-9ae \\'[rand(14)];
      garbage.push(i % 3 === 0 ? chars.join('').slice(0, rand(chars.length)) : chars.join(''));
    }
    for (const body of garbage) {
      const res = await call('/v1/verify', { method: 'POST', body });
      expect(res.status, String(body).slice(0, 80)).not.toBe(500);
      if (res.status !== 200) {
        expect(res.status, String(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        await errorOf(res);
      } else {
        // A mutation that still parses and verifies (e.g. whitespace) must be a real verdict.
        expect(typeof ((await res.json()) as VerifyJson).valid).toBe('boolean');
      }
    }
  });
});
