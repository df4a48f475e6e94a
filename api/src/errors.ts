import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one API error. Every failure leaves the API as `{ error: { code, message } }`
 * (docs/architecture.md "API (v1, JSON)"); `code` is a stable snake_case identifier clients branch on,
 * `message` is for humans and names the offending value or field.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: string;

  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Renders an ApiError; extra headers (e.g. WWW-Authenticate) are the caller's. */
export function renderError(c: Context, err: ApiError): Response {
  return c.json(errorBody(err.code, err.message), err.status);
}

/**
 * Status for a verifier input error: 400 when the JSON does not have the documented shape,
 * 422 when it does but a value is unacceptable (non-canonical or off-curve point, field
 * element ≥ r, unsafe or mis-sized verification key, wrong proof protocol).
 */
const UNPROCESSABLE_CODES: ReadonlySet<string> = new Set([
  'bad_field_element',
  'bad_coordinate',
  'bad_point',
  'not_on_curve',
  'not_in_subgroup',
  'point_at_infinity',
  'bad_proof',
  'bad_vkey',
  'unsafe_key',
]);

export function verifyErrorStatus(code: string): 400 | 422 {
  return UNPROCESSABLE_CODES.has(code) ? 422 : 400;
}
