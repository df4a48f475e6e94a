import { VerifyInputError, type VerifyErrorCode } from './errors.ts';

/**
 * Strict JSON readers shared by the proof, key, manifest and bundle parsers. Inputs are
 * values from JSON.parse (`unknown`); every reader names the field path in its error.
 */

/** `a.b` / `a[3]` path building; the top level is ''. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export type JsonObject = Record<string, unknown>;

/**
 * A plain JSON object whose keys are all in `required ∪ optional` and include all of
 * `required`. Unknown fields are refused (they could smuggle data a later reader trusts).
 */
export function readObject(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
  code: VerifyErrorCode = 'bad_json',
): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VerifyInputError(code, path, `expected an object, got ${describe(value)}`);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new VerifyInputError(code, path, 'expected a plain JSON object');
  }
  const obj = value as JsonObject;
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw new VerifyInputError('unknown_field', at(path, key), 'unknown field');
    }
  }
  for (const key of required) {
    if (!Object.hasOwn(obj, key)) throw new VerifyInputError('missing_field', at(path, key), 'missing field');
  }
  return obj;
}

/** A JSON array, optionally of an exact length or at most `maxLength` long. */
export function readArray(
  value: unknown,
  path: string,
  code: VerifyErrorCode,
  length?: { exact?: number; min?: number; max?: number },
): unknown[] {
  if (!Array.isArray(value)) throw new VerifyInputError(code, path, `expected an array, got ${describe(value)}`);
  if (length?.exact !== undefined && value.length !== length.exact) {
    throw new VerifyInputError(code, path, `expected ${length.exact} elements, got ${value.length}`);
  }
  if (length?.min !== undefined && value.length < length.min) {
    throw new VerifyInputError(code, path, `expected at least ${length.min} elements, got ${value.length}`);
  }
  if (length?.max !== undefined && value.length > length.max) {
    throw new VerifyInputError(code, path, `expected at most ${length.max} elements, got ${value.length}`);
  }
  return value;
}

export function readString(value: unknown, path: string, code: VerifyErrorCode): string {
  if (typeof value !== 'string') throw new VerifyInputError(code, path, `expected a string, got ${describe(value)}`);
  return value;
}

export function readLiteral<T extends string | number | boolean>(
  value: unknown,
  path: string,
  expected: T,
  code: VerifyErrorCode,
): T {
  if (value !== expected) {
    throw new VerifyInputError(code, path, `expected ${JSON.stringify(expected)}, got ${describe(value)}`);
  }
  return expected;
}

export function readBoolean(value: unknown, path: string, code: VerifyErrorCode): boolean {
  if (typeof value !== 'boolean') throw new VerifyInputError(code, path, `expected a boolean, got ${describe(value)}`);
  return value;
}

/** A JSON number that is a safe integer in [min, max] (counts, ids, indices). */
export function readInt(value: unknown, path: string, code: VerifyErrorCode, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new VerifyInputError(code, path, `expected an integer, got ${describe(value)}`);
  }
  if (value < min || value > max || Object.is(value, -0)) {
    throw new VerifyInputError(code, path, `expected an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** 64 lowercase hex digits (a SHA-256 digest). */
export function readHex64(value: unknown, path: string, code: VerifyErrorCode): string {
  const s = readString(value, path, code);
  if (!HEX64.test(s)) throw new VerifyInputError(code, path, `expected 64 lowercase hex digits, got ${preview(s)}`);
  return s;
}

// Canonical decimal: "0" or a non-zero digit followed by digits. No sign, whitespace,
// exponent, hex prefix or leading zeros, so every value has exactly one spelling.
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * A canonical decimal string for a value < `modulus`. The length cap (r and p have 77
 * digits) keeps a hostile input from making BigInt parse megabytes of digits.
 */
export function readDecimal(value: unknown, path: string, modulus: bigint, code: VerifyErrorCode, what: string): bigint {
  if (typeof value !== 'string') {
    throw new VerifyInputError(code, path, `expected ${what} as a decimal string, got ${describe(value)}`);
  }
  if (value.length > 78 || !DECIMAL.test(value)) {
    throw new VerifyInputError(code, path, `expected ${what} as a canonical decimal string, got ${preview(value)}`);
  }
  const n = BigInt(value);
  if (n >= modulus) throw new VerifyInputError(code, path, `${what} ${preview(value)} is not below the modulus`);
  return n;
}

/** Short description of a JSON value for error messages (never echoes large inputs). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${preview(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function preview(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}
