import { describe, expect, it } from 'vitest';
import app from '../../api/src/index.ts';
import { call } from './helpers.ts';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
  components: { schemas: Record<string, unknown> };
}

describe('GET /v1/openapi.json', () => {
  it('is OpenAPI 3.1 and documents exactly the routes the app serves', async () => {
    const res = await call('/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApi;
    expect(doc.openapi).toBe('3.1.0');
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('describes 4xx responses with the shared error schema, and every $ref resolves', async () => {
    const doc = (await (await call('/v1/openapi.json')).json()) as OpenApi;
    expect(doc.components.schemas.Error).toBeDefined();
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (status.startsWith('4') || status.startsWith('5')) {
            expect(response.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/Error');
          }
        }
      }
    }
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
  });
});
