import { ApiError } from './errors.ts';

const HEX64 = /^[0-9a-f]{64}$/;

/** Model ids and receipt ids are both 64 lowercase hex (SHA-256). */
export function expectHexId(value: string, what: 'model id' | 'receipt id'): string {
  if (!HEX64.test(value)) {
    throw new ApiError(400, 'invalid_id', `${what} ${JSON.stringify(value.slice(0, 80))} is not 64 lowercase hex characters`);
  }
  return value;
}
