/**
 * Property-based fuzz test of POST /v1/verify's request parsing (fast-check), inside workerd
 * with real D1: generated bodies (arbitrary JSON, raw strings and bytes, truncations) and
 * generated bundles (a valid request with one node replaced, deleted or given an extra field,
 * or a well-shaped statement with random proofs). For every request: the status is 200 or a
 * 4xx, a 4xx has the one error shape, a 200 says valid true/false (false: receipt null), and
 * nothing invalid is stored (the receipt count grows only with valid: true). The number of
 * requests sent is printed (BENCHMARKS.md records it).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { randomG1, trapdoorModel, type TrapdoorModel } from './fixtures/trapdoor.ts';
import { ADMIN, call, errorOf, postJson } from './helpers.ts';

const R = '21888242871839275222246405745257275088548364400416034343698204186575808495617';
const P = '21888242871839275222246405745257275088696311157297823662689037894645226208583';
// Per run: raw bodies are cheap (refused before any curve arithmetic); structured ones may
// reach the pairing check, so fewer of them.
const RAW_RUNS = 2000;
const STRUCTURED_RUNS = 1200;

let model: TrapdoorModel;
let sent = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  model = trapdoorModel({ name: 'fuzz-test', insecure: false });
  expect((await postJson('/v1/models', model.manifest, ADMIN)).status).toBe(201);
});
afterAll(() => {
  console.log(`fuzz: ${sent} requests to POST /v1/verify; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
});

const receiptCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM receipts').first<{ n: number }>())!.n;

/** Sends one body and checks the invariants; returns nothing (throws on a violation). */
async function checkOne(body: string | Uint8Array): Promise<void> {
  const before = await receiptCount();
  const res = await call('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  sent++;
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const what = typeof body === 'string' ? body.slice(0, 200) : `bytes ${[...body.slice(0, 40)]}`;
  expect([200, 400, 404, 413, 415, 422], what).toContain(res.status);
  let stored = false;
  if (res.status === 200) {
    const json = (await res.json()) as { valid: unknown; receipt: unknown; reason?: unknown };
    expect(typeof json.valid, what).toBe('boolean');
    if (json.valid === false) {
      expect(json.receipt, what).toBeNull();
      expect(typeof json.reason, what).toBe('string');
    } else stored = true;
  } else {
    await errorOf(res);
  }
  const after = await receiptCount();
  if (!stored) expect(after, `${what}: a receipt was stored for an invalid request`).toBe(before);
  else expect(after - before).toBeLessThanOrEqual(1);
}

/** Every path (array of keys) of a JSON value, inner nodes included. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'extra'; key: string; value: unknown };

function mutate(root: unknown, path: (string | number)[], m: Mutation): unknown {
  if (path.length === 0) return m.kind === 'replace' ? m.value : m.kind === 'delete' ? undefined : root;
  if (!root || typeof root !== 'object') return root; // an earlier mutation replaced the whole body
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    if (!next || typeof next !== 'object') return copy; // the path was cut by an earlier mutation
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (m.kind === 'replace') node[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    const target = node[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[m.key] = m.value;
    else if (Array.isArray(target)) target.push(m.value);
  }
  return copy;
}

/** Strings a strict parser must get right: field-range edges, non-canonical decimals, hex. */
const tricky = fc.constantFrom(R, P, `${R}0`, '0', '00', '01', '-1', '1e3', '0x10', ' 1', '1 ', '', '1.0', '9'.repeat(80), 'f'.repeat(64), 'F'.repeat(64), '__proto__', 'constructor');
const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: tricky },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }).map((b) => b.toString()) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 70000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1e400, -0, 2 ** 53, 0.5, null, true, [], {}) },
  { weight: 1, arbitrary: fc.constant(null).map(() => randomG1()) },
);

describe('POST /v1/verify fuzzed (fast-check)', () => {
  it(`answers ${RAW_RUNS} generated raw bodies with 200 or 4xx and the error shape, storing nothing`, async () => {
    const valid = JSON.stringify({ model: model.manifest.modelId, bundle: model.prove({ nPrompt: 1, generated: [70] }) });
    const raw = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.string({ maxLength: 200, unit: 'binary' }),
      fc.uint8Array({ maxLength: 200 }),
      fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
      fc.record({ model: fc.oneof(fc.string(), fc.constant(model.manifest.modelId), fc.constant('a'.repeat(64))), bundle: fc.jsonValue({ maxDepth: 3 }) }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(fc.asyncProperty(raw, checkOne), { numRuns: RAW_RUNS });
  }, 600_000);

  it(`answers ${STRUCTURED_RUNS} mutated bundles (one node replaced, deleted or extended) the same way`, async () => {
    const body = { model: model.manifest.modelId, bundle: model.prove({ nPrompt: 2, generated: [104, 105] }) };
    const all = paths(body);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      { weight: 4, arbitrary: anyValue.map((value) => ({ kind: 'replace' as const, value })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
      { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'valid', 'receipt')), anyValue).map(([key, value]) => ({ kind: 'extra' as const, key, value })) },
    );
    const mutated = fc.tuple(fc.constantFrom(...all), mutation, fc.constantFrom(...all), mutation, fc.boolean()).map(([p1, m1, p2, m2, twice]) => {
      const once = mutate(body, p1, m1);
      const out = twice ? mutate(once, p2, m2) : once;
      return JSON.stringify(out) ?? 'null';
    });
    await fc.assert(fc.asyncProperty(mutated, checkOne), { numRuns: STRUCTURED_RUNS });
  }, 600_000);

  it('answers well-shaped statements with random proofs as valid: false, storing nothing', async () => {
    const ctx = model.manifest.ctx as number;
    const statement = fc.integer({ min: 1, max: ctx - 1 }).chain((nPrompt) =>
      fc.record({ nPrompt: fc.constant(nPrompt), generated: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: ctx - nPrompt }) }),
    );
    const forged = statement.map(({ nPrompt, generated }) => {
      const bundle = model.prove({ nPrompt, generated });
      for (const c of bundle.chunks) c.proof.pi_c = randomG1();
      return JSON.stringify({ model: model.manifest.modelId, bundle });
    });
    await fc.assert(
      fc.asyncProperty(forged, async (b) => {
        const res = await call('/v1/verify', { method: 'POST', body: b });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { valid: boolean }).valid).toBe(false);
      }),
      { numRuns: 50 },
    );
  }, 600_000);
});
