import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '@zkinfer/prover/cli/main.ts';
import { ApiError, apiOrigin, registerManifest, submitBundle, widgetScriptUrl } from '@zkinfer/prover/client/api.ts';
import { embedSnippet, formatSubmitReport, preflightSubmit, submitAndDescribe } from '@zkinfer/prover/cli/submit.ts';
import { ZkinferError } from '@zkinfer/prover/errors.ts';
import { freePort } from '../../../scripts/lib/local-api.ts';

// A stand-in API on loopback that answers like api/src (shapes from docs/proof-format.md and
// api/src/routes/*); what is tested is how the client reads and reports those answers.
// The real API is exercised end to end in test/e2e/stack.test.ts.
const SHA = 'ab'.repeat(32);
const RECEIPT = 'cd'.repeat(32);
const MODEL = 'ef'.repeat(32);

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

let server: Server;
let api: string;
const seen: Seen[] = [];
let verifyAnswer: { status: number; body: unknown } = { status: 200, body: {} };

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  let text = '';
  for await (const chunk of req) text += chunk;
  seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: text ? JSON.parse(text) : undefined });
  if (req.url === '/widget.js') return reply(res, 200, 'export {}', { etag: `"${SHA}"`, 'content-type': 'text/javascript' });
  if (req.url === '/v1/verify') return reply(res, verifyAnswer.status, verifyAnswer.body);
  if (req.url === `/v1/models/${MODEL}`) return reply(res, 200, { model: { modelId: MODEL } });
  if (req.url?.startsWith('/v1/models/')) return reply(res, 404, { error: { code: 'model_not_found', message: 'no model' } });
  if (req.url === '/v1/models' && req.method === 'POST') {
    if (req.headers.authorization !== 'Bearer good') return reply(res, 401, { error: { code: 'unauthorized', message: 'bad token' } });
    return reply(res, 201, { model: { modelId: (seen.at(-1)!.body as { modelId: string }).modelId } });
  }
  return reply(res, 404, { error: { code: 'not_found', message: 'no route' } });
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  api = `http://127.0.0.1:${addr.port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('apiOrigin', () => {
  it('keeps origin and path prefix, drops trailing slashes', () => {
    expect(apiOrigin('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(apiOrigin('https://api.example/zk//')).toBe('https://api.example/zk');
  });
  it('refuses non-URLs, other schemes and queries with a bad_option ZkinferError naming the value', () => {
    expect(() => apiOrigin('localhost')).toThrow(/"localhost" is not a URL/);
    expect(() => apiOrigin('ftp://x')).toThrow(ZkinferError);
    expect(() => apiOrigin('http://x/?a=1')).toThrow(/origin/);
  });
});

describe('embedSnippet', () => {
  it('gives the script line and the badge line, with attribute values escaped', () => {
    expect(embedSnippet('http://a', 'http://a/widget.js?v=1', RECEIPT)).toEqual([
      '<script type="module" src="http://a/widget.js?v=1"></script>',
      `<zkinfer-badge receipt="${RECEIPT}" api="http://a"></zkinfer-badge>`,
    ]);
    expect(embedSnippet('http://a/"><x', 's', 'r')[1]).toBe('<zkinfer-badge receipt="r" api="http://a/&quot;&gt;&lt;x"></zkinfer-badge>');
  });
});

describe('talking to the API', () => {
  it('submits { model, bundle } and reads a valid receipt', async () => {
    verifyAnswer = { status: 200, body: { valid: true, receipt: { id: RECEIPT, url: `${api}/v1/receipts/${RECEIPT}`, text: 'hi' } } };
    const bundle = { modelId: MODEL, version: 1 };
    const r = await submitBundle(api, bundle);
    expect(r).toEqual({ receiptId: RECEIPT, valid: true, receiptUrl: `${api}/v1/receipts/${RECEIPT}`, text: 'hi' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1/verify', body: { model: MODEL, bundle } });
  });

  it('describes a valid submission with the versioned widget URL from the ETag and the demo page', async () => {
    verifyAnswer = { status: 200, body: { valid: true, receipt: { id: RECEIPT, url: `${api}/v1/receipts/${RECEIPT}` } } };
    const d = await submitAndDescribe(`${api}/`, { modelId: MODEL });
    expect(d.embed?.[0]).toBe(`<script type="module" src="${api}/widget.js?v=${SHA.slice(0, 16)}"></script>`);
    expect(d.demoUrl).toBe(`${api}/?receipt=${RECEIPT}`);
    expect(await widgetScriptUrl(api)).toBe(`${api}/widget.js?v=${SHA.slice(0, 16)}`);
  });

  it('reports an invalid proof without embed lines', async () => {
    verifyAnswer = { status: 200, body: { valid: false, reason: 'chunk 0: proof does not verify', receipt: null, claimedStatementId: RECEIPT } };
    const d = await submitAndDescribe(api, { modelId: MODEL });
    expect(d).toMatchObject({ valid: false, receiptId: null, claimedStatementId: RECEIPT, receiptUrl: null, demoUrl: null, reason: 'chunk 0: proof does not verify', embed: null });
    expect(formatSubmitReport(d)).toMatch(/REFUSED the proof: chunk 0: proof does not verify \(no receipt stored\)/);
    expect(formatSubmitReport(d)).not.toContain(RECEIPT);
  });

  it("repeats the API's insecure-setup warning next to the verdict", async () => {
    const warning = 'insecure setup: whoever made them can forge proofs';
    verifyAnswer = { status: 200, body: { valid: true, receipt: { id: RECEIPT, url: `${api}/v1/receipts/${RECEIPT}`, insecureSetup: true, warning } } };
    const d = await submitAndDescribe(api, { modelId: MODEL });
    expect(d.warning).toBe(warning);
    expect(formatSubmitReport(d)).toMatch(/^verified by .*\nWARNING: insecure setup: whoever made them can forge proofs\n/);
  });

  it("turns the API's error shape into an ApiError (api_refused) with its code, message and body", async () => {
    verifyAnswer = { status: 422, body: { error: { code: 'bad_point', message: 'pi_a is not on the curve' } } };
    const err = await submitBundle(api, { modelId: MODEL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(ZkinferError);
    expect(err).toMatchObject({ status: 422, code: 'api_refused', apiCode: 'bad_point', body: { error: { code: 'bad_point' } } });
    expect((err as Error).message).toContain('pi_a is not on the curve');
  });

  it('says when the API cannot be reached, and refuses a bundle without a model id before sending', async () => {
    const port = await freePort();
    await expect(submitBundle(`http://127.0.0.1:${port}`, { modelId: MODEL })).rejects.toMatchObject({ code: 'api_unreachable', status: 0 });
    await expect(submitBundle(api, { version: 1 })).rejects.toThrow(ZkinferError);
  });

  it('registers with the bearer token; a wrong token is a 401 error', async () => {
    expect(await registerManifest(api, 'good', { modelId: MODEL })).toEqual({ modelId: MODEL, created: true });
    expect(seen.at(-1)?.auth).toBe('Bearer good');
    await expect(registerManifest(api, 'bad', { modelId: MODEL })).rejects.toMatchObject({ status: 401, code: 'api_refused', apiCode: 'unauthorized' });
  });

  it('preflight passes for a registered model and names the fix for an unregistered one', async () => {
    await expect(preflightSubmit(api, MODEL)).resolves.toBeUndefined();
    await expect(preflightSubmit(api, '00'.repeat(32))).rejects.toThrow(/not registered.*npm start/);
  });
});

describe('zkinfer submit / register through the one client', () => {
  const run = async (argv: string[]) => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const code = await main(argv);
      return { code, out: out.mock.calls.map((c) => c.join(' ')).join('\n'), err: err.mock.calls.map((c) => c.join(' ')).join('\n') };
    } finally {
      vi.restoreAllMocks();
    }
  };
  const bundleFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'zkinfer-submit-'));
    const path = join(dir, 'proof.json');
    writeFileSync(path, JSON.stringify({ modelId: MODEL }));
    return path;
  };

  it('submit: a valid answer prints the receipt (exit 0); a refusal is one line with the API error (exit 1), or the error body with --json', async () => {
    const file = bundleFile();
    verifyAnswer = { status: 200, body: { valid: true, receipt: { id: RECEIPT, url: `${api}/v1/receipts/${RECEIPT}` } } };
    expect(await run(['submit', '--api', `${api}/`, file])).toMatchObject({ code: 0, out: `valid: receipt ${RECEIPT}\n${api}/v1/receipts/${RECEIPT}` });
    verifyAnswer = { status: 422, body: { error: { code: 'bad_point', message: 'pi_a is not on the curve' } } };
    expect(await run(['submit', '--api', api, file])).toMatchObject({ code: 1, err: 'zkinfer submit: POST /v1/verify: HTTP 422 bad_point: pi_a is not on the curve' });
    const asJson = await run(['submit', '--api', api, file, '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.out)).toEqual({ valid: false, status: 422, error: { code: 'bad_point', message: 'pi_a is not on the curve' } });
    expect((await run(['submit', '--api', 'ftp://x', file])).code).toBe(2);
    const port = await freePort();
    expect(await run(['submit', '--api', `http://127.0.0.1:${port}`, file])).toMatchObject({ code: 1, err: expect.stringMatching(/^zkinfer submit: cannot reach the API at/) });
  });
});
