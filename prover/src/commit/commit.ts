import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { R } from '@zkinfer/verifier';

/**
 * Off-circuit commitments of docs/proof-format.md ("Commitments"): packing of small
 * integers and the salted Poseidon chain (circomlib parameters, via poseidon-lite). The
 * circuit gadgets compute the same values in constraints; tests hold the two equal.
 */

/** Field capacity used for packing: values fill at most 248 bits of a 254-bit element. */
export const PACK_CAPACITY_BITS = 248;

/** How many `bits`-bit values one field element holds: ⌊248 / bits⌋. */
export function valuesPerElement(bits: number): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > PACK_CAPACITY_BITS) throw new RangeError(`pack: bits ${bits} not in 1..248`);
  return Math.floor(PACK_CAPACITY_BITS / bits);
}

/**
 * Packs integers little-endian into field elements. Signed values v ∈ [−2^(bits−1), 2^(bits−1))
 * are offset to v + 2^(bits−1); unsigned ones must lie in [0, 2^bits).
 */
export function pack(values: readonly (number | bigint)[], bits: number, signed: boolean): bigint[] {
  const per = valuesPerElement(bits);
  const b = BigInt(bits);
  const offset = signed ? 1n << (b - 1n) : 0n;
  const limit = 1n << b;
  const out: bigint[] = [];
  for (let i = 0; i < values.length; i += per) {
    let e = 0n;
    const end = Math.min(i + per, values.length);
    for (let j = end - 1; j >= i; j--) {
      const u = BigInt(values[j]) + offset;
      if (u < 0n || u >= limit) {
        throw new RangeError(`pack: value ${values[j]} at index ${j} is outside the ${signed ? 'signed' : 'unsigned'} ${bits}-bit range`);
      }
      e = (e << b) | u;
    }
    out.push(e);
  }
  return out;
}

type PoseidonFn = (inputs: bigint[]) => bigint;
const requirePoseidon = createRequire(import.meta.url);
const POSEIDON: (PoseidonFn | undefined)[] = [];
/**
 * poseidon-lite's poseidon<n>, loaded on first use: each arity's module parses its round
 * constants when loaded, about 150 ms for all sixteen at every CLI start, and a commitment
 * chain uses two or three arities.
 */
function poseidonOfArity(n: number): PoseidonFn | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 16) return undefined;
  let fn = POSEIDON[n];
  if (!fn) POSEIDON[n] = fn = (requirePoseidon(`poseidon-lite/poseidon${n}`) as Record<string, PoseidonFn>)[`poseidon${n}`];
  return fn;
}

/** Poseidon (circomlib parameters) of 1..16 field elements. */
export function poseidon(inputs: readonly bigint[]): bigint {
  const fn = poseidonOfArity(inputs.length);
  if (!fn) throw new RangeError(`poseidon: arity ${inputs.length} not in 1..16`);
  for (const x of inputs) if (x < 0n || x >= R) throw new RangeError(`poseidon: input ${x} is not a canonical field element`);
  return fn([...inputs]);
}

/** Elements absorbed per Poseidon call of the commitment chain (the 16th input is the chain value). */
export const COMMIT_BLOCK = 15;

/** commit(elements, salt): h ← salt; for each block b of ≤ 15 elements: h ← Poseidon(h, b…). */
export function commit(elements: readonly bigint[], salt: bigint): bigint {
  let h = salt;
  if (elements.length === 0) return poseidon([h]);
  for (let i = 0; i < elements.length; i += COMMIT_BLOCK) h = poseidon([h, ...elements.slice(i, i + COMMIT_BLOCK)]);
  return h;
}

/** A uniformly random field element (rejection sampling over 254-bit strings). */
export function randomSalt(): bigint {
  for (;;) {
    const bytes = randomBytes(32);
    bytes[0] &= 0x3f; // keep 254 bits; r ≈ 0.76·2^254, so ~1.3 tries on average
    const x = BigInt(`0x${bytes.toString('hex')}`);
    if (x < R) return x;
  }
}

/** Token ids are packed unsigned in 16 bits (vocabularies up to 65,536). */
export const TOKEN_BITS = 16;

/**
 * promptCommitment = commit([nPrompt, pack16(x_0 … x_{T−1} with x_t := 0 for t ≥ nPrompt)…], salt).
 * The first committed element is the prompt's length: token 0 is a real token (NUL, <unk>),
 * so without it [a, b] and [a, b, 0] would pack to the same elements and share one
 * commitment. With it the commitment alone identifies the prompt (docs/proof-format.md).
 */
export function promptCommitment(promptTokens: readonly number[], ctx: number, salt: bigint): bigint {
  return commit(promptElements(promptTokens, ctx), salt);
}

/** The committed elements of a prompt: its length, then its tokens zero-padded to ctx, packed 15 per element. */
export function promptElements(promptTokens: readonly number[], ctx: number): bigint[] {
  if (promptTokens.length < 1 || promptTokens.length > ctx) {
    throw new RangeError(`promptCommitment: ${promptTokens.length} prompt tokens do not fit context ${ctx}`);
  }
  const masked = Array.from({ length: ctx }, (_, t) => (t < promptTokens.length ? promptTokens[t] : 0));
  return [BigInt(promptTokens.length), ...pack(masked, TOKEN_BITS, false)];
}
