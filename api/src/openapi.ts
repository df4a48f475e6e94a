/**
 * OpenAPI 3.1 description of the v1 API, served at GET /v1/openapi.json. Schemas of the
 * manifest and bundle are summarized here; docs/proof-format.md is their full contract
 * (the verifier's strict parser enforces it and rejects unknown fields).
 */

const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const decimal = { type: 'string', pattern: '^(0|[1-9][0-9]*)$', description: 'BN254 field element, decimal, < r' } as const;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: hex64 });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'zkinfer API',
    version: '1.0.0',
    description:
      'Verifies zero-knowledge proof bundles (Groth16/BN254) that a registered quantized language model produced a given output, and serves receipts and badges. Every error is `{ error: { code, message } }`.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  paths: {
    '/v1/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness',
        responses: { '200': json('The API is up', { type: 'object', required: ['ok'], properties: { ok: { const: true } } }) },
      },
    },
    '/v1/openapi.json': {
      get: { operationId: 'openapi', summary: 'This document', responses: { '200': json('OpenAPI 3.1 document', { type: 'object' }) } },
    },
    '/v1/models': {
      get: {
        operationId: 'listModels',
        summary: 'List registered models (summaries, oldest first)',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
          { name: 'after', in: 'query', description: 'Return models registered after this model id (paging cursor)', schema: hex64 },
        ],
        responses: {
          '200': json('Model summaries', {
            type: 'object',
            required: ['models'],
            properties: {
              models: { type: 'array', items: { $ref: '#/components/schemas/ModelSummary' } },
              next: { type: ['string', 'null'], description: 'Cursor for the next page (pass as `after`)' },
            },
          }),
          '400': errorResponse('Bad query parameter'),
        },
      },
      post: {
        operationId: 'registerModel',
        summary: 'Register a model manifest (admin). Immutable: same manifest again is 200, a different one under the same id is 409.',
        security: [{ adminBearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Manifest' } } } },
        responses: {
          '200': json('Already registered with an identical manifest', { $ref: '#/components/schemas/ModelRecord' }),
          '201': json('Registered', { $ref: '#/components/schemas/ModelRecord' }),
          '400': errorResponse('Malformed JSON or manifest shape'),
          '401': errorResponse('Missing or wrong admin token'),
          '409': errorResponse('A different manifest is registered under this model id'),
          '413': errorResponse('Body over 4 MiB'),
          '422': errorResponse('Manifest refused, e.g. an unsafe verification key (the message gives the reason)'),
          '503': errorResponse('Registration disabled (no ADMIN_TOKEN configured)'),
        },
      },
    },
    '/v1/models/{id}': {
      get: {
        operationId: 'getModel',
        summary: 'One model with its full manifest (verification keys included)',
        parameters: [idParam('id', 'Model id')],
        responses: {
          '200': json('The model', { $ref: '#/components/schemas/ModelRecord' }),
          '400': errorResponse('Malformed id'),
          '404': errorResponse('No such model'),
        },
      },
    },
    '/v1/verify': {
      post: {
        operationId: 'verify',
        summary: 'Verify a proof bundle against a registered model. Valid bundles are stored as receipts (idempotent: the id depends on the statement only).',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['model', 'bundle'],
                properties: { model: hex64, bundle: { $ref: '#/components/schemas/Bundle' } },
              },
            },
          },
        },
        responses: {
          '200': json('Verification result. `valid: true` with the stored receipt; `valid: false` (a well-formed bundle whose proofs or statement do not check) with `receipt: null`: nothing is stored and no receipt id is issued', {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['receipt', 'valid'],
                properties: { receipt: { $ref: '#/components/schemas/Receipt' }, valid: { const: true } },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['receipt', 'valid', 'reason', 'claimedStatementId'],
                properties: {
                  receipt: { type: 'null' },
                  valid: { const: false },
                  reason: { type: 'string', description: 'Why the bundle is invalid' },
                  claimedStatementId: { ...hex64, description: 'The receipt id the claimed (unverified) statement would have; no receipt exists under it unless the same statement was verified before' },
                },
              },
            ],
          }),
          '400': errorResponse('Malformed JSON, unknown fields, or bundle shape'),
          '404': errorResponse('Model not registered'),
          '413': errorResponse('Body over 1 MiB'),
          '422': errorResponse('Bundle well-formed JSON but not acceptable input (e.g. value out of field range)'),
        },
      },
    },
    '/v1/receipts/{id}': {
      get: {
        operationId: 'getReceipt',
        summary: 'A stored receipt',
        parameters: [idParam('id', 'Receipt id')],
        responses: {
          '200': json('The receipt', { type: 'object', required: ['receipt'], properties: { receipt: { $ref: '#/components/schemas/Receipt' } } }),
          '400': errorResponse('Malformed id'),
          '404': errorResponse('No such receipt'),
        },
      },
    },
    '/v1/receipts/{id}/bundle': {
      get: {
        operationId: 'getReceiptBundle',
        summary: 'The proof bundle stored with a receipt, for re-verification (e.g. in the browser)',
        parameters: [idParam('id', 'Receipt id')],
        responses: {
          '200': json('The bundle exactly as verified', { $ref: '#/components/schemas/Bundle' }),
          '400': errorResponse('Malformed id'),
          '404': errorResponse('No such receipt'),
        },
      },
    },
    '/v1/receipts/{id}/badge.svg': {
      get: {
        operationId: 'getReceiptBadge',
        summary: 'Static SVG badge: "verified" for a stored valid receipt, "unknown" otherwise (always an image, never JSON)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'SVG badge', content: { 'image/svg+xml': { schema: { type: 'string' } } } } },
      },
    },
    '/': {
      get: {
        operationId: 'demoPage',
        summary: 'Demo page: what zkinfer is, the registered models, the latest receipts, and a live <zkinfer-badge> for `?receipt=ID` (or the latest receipt) with the HTML that embeds it.',
        parameters: [{ name: 'receipt', in: 'query', required: false, description: 'Receipt id to show', schema: hex64 }],
        responses: {
          '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
          '400': errorResponse('Malformed receipt id (code invalid_id)'),
        },
      },
    },
    '/widget.js': {
      get: {
        operationId: 'getWidget',
        summary: 'The <zkinfer-badge> web component (one ES module). `?v=<version>` names one build and is cached immutably; plain /widget.js is fresh for 5 minutes, then revalidated by ETag.',
        parameters: [{ name: 'v', in: 'query', required: false, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'JavaScript module', content: { 'text/javascript': { schema: { type: 'string' } } } },
          '304': { description: 'Not modified (If-None-Match matched the ETag)' },
        },
      },
    },
  },
  components: {
    securitySchemes: { adminBearer: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN Workers secret' } },
    schemas: {
      Error: {
        type: 'object',
        additionalProperties: false,
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'message'],
            properties: {
              code: { type: 'string', description: 'Stable snake_case identifier, e.g. malformed_json, unknown_field, payload_too_large, not_found' },
              message: { type: 'string' },
            },
          },
        },
      },
      Manifest: {
        type: 'object',
        description: 'Model manifest v1, see docs/proof-format.md ("Model manifest"). Unknown fields are rejected.',
        required: ['version', 'modelId', 'name', 'architecture', 'ctx', 'ptau', 'chunks'],
        properties: {
          version: { const: 1 },
          modelId: hex64,
          name: { type: 'string', minLength: 1, maxLength: 100 },
          architecture: { type: 'object' },
          ctx: { type: 'integer', minimum: 1, maximum: 4096 },
          chunksPerPosition: { type: 'integer', minimum: 1, description: 'position chunks: ctx × K chunks, one circuit per kind; bundles may prove a position prefix (docs/proof-format.md "Position prefixes")' },
          detokenizer: { type: 'object' },
          ptau: { type: 'object' },
          chunks: { type: 'array', minItems: 1, items: { type: 'object', description: 'index, constraints, circuitHash, vkeyHash, vkey; vkey may be omitted when an earlier chunk carries the key with the same vkeyHash' } },
        },
      },
      ModelSummary: {
        type: 'object',
        required: ['modelId', 'name', 'manifestHash', 'createdAt'],
        properties: { modelId: hex64, name: { type: 'string' }, manifestHash: hex64, createdAt: { type: 'string', format: 'date-time' } },
      },
      ModelRecord: {
        type: 'object',
        required: ['model'],
        properties: {
          model: {
            allOf: [
              { $ref: '#/components/schemas/ModelSummary' },
              { type: 'object', required: ['manifest'], properties: { manifest: { $ref: '#/components/schemas/Manifest' } } },
            ],
          },
        },
      },
      Statement: {
        type: 'object',
        required: ['promptCommitment', 'nPrompt', 'nGenerated', 'generated'],
        properties: {
          promptCommitment: decimal,
          nPrompt: { type: 'integer', minimum: 1 },
          nGenerated: { type: 'integer', minimum: 1 },
          generated: { type: 'array', items: { type: 'integer', minimum: 0 } },
        },
      },
      Bundle: {
        type: 'object',
        description: 'Proof bundle v1, see docs/proof-format.md ("Proof bundle"). Unknown fields are rejected.',
        required: ['version', 'modelId', 'ctx', 'statement', 'chunks'],
        properties: {
          version: { const: 1 },
          modelId: hex64,
          ctx: { type: 'integer' },
          statement: { $ref: '#/components/schemas/Statement' },
          chunks: {
            type: 'array',
            description: "one per manifest chunk, or, for a manifest with chunksPerPosition K, the K chunks of each of the first L positions, nPrompt + nGenerated − 1 ≤ L ≤ ctx",
            items: {
              type: 'object',
              required: ['proof', 'publicSignals'],
              properties: { proof: { type: 'object' }, publicSignals: { type: 'array', items: decimal } },
            },
          },
        },
      },
      Receipt: {
        type: 'object',
        required: ['id', 'url', 'valid', 'modelId', 'statement', 'createdAt', 'insecureSetup'],
        properties: {
          id: { ...hex64, description: 'SHA-256 of model id and the public signals (docs/proof-format.md "Receipt id")' },
          url: { type: 'string', format: 'uri', description: 'Receipt location' },
          valid: { type: 'boolean' },
          modelId: hex64,
          statement: { $ref: '#/components/schemas/Statement' },
          text: { type: 'string', description: 'Generated text, when the model has a detokenizer' },
          createdAt: { type: 'string', format: 'date-time' },
          insecureSetup: { type: 'boolean', description: "The model's manifest declares an insecure (one-party, local) setup: whoever made its keys can forge proofs, so `valid` is only as trustworthy as they are" },
          warning: { type: 'string', description: 'What insecureSetup means, in words (present when insecureSetup is true)' },
        },
      },
    },
  },
} as const;
