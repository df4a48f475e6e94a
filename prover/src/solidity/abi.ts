import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { wordsToBytes, toHex } from './words.ts';

/**
 * The ABI (Solidity ABI spec, "Formal Specification of the Encoding") of ZkinferVerifier's
 * calls, event and errors: only the few static shapes the contract uses, encoded by hand.
 */

/** What submit(…) / verify(…) take: the free parts of a bundle (BundleVerifier.template.sol). */
export interface VerifierCall {
  promptCommitment: bigint;
  nPrompt: bigint;
  generated: bigint[];
  boundaries: bigint[];
  /** Per chunk [A.x, A.y, B.x.im, B.x.re, B.y.im, B.y.re, C.x, C.y]. */
  proofs: bigint[][];
  /** Per chunk [D.x, D.y, π.x, π.y] for a contract whose keys have BSB22 commitments (LogUp); absent for a plain one. */
  commitments?: bigint[][];
}

const ARGS = '(uint256,uint256,uint16[],uint256[],uint256[8][])';
export const SUBMIT_SIGNATURE = `submit${ARGS}`;
export const VERIFY_SIGNATURE = `verify${ARGS}`;
/** The same calls of a commitment contract: one more argument, the (D, π) of every chunk. */
const COMMITMENT_ARGS = '(uint256,uint256,uint16[],uint256[],uint256[8][],uint256[4][])';
export const SUBMIT_COMMITMENTS_SIGNATURE = `submit${COMMITMENT_ARGS}`;
export const VERIFY_COMMITMENTS_SIGNATURE = `verify${COMMITMENT_ARGS}`;

/** The signature of submit or verify for this call's shape (with commitments or without). */
export function callSignature(fn: 'submit' | 'verify', call: VerifierCall): string {
  if (fn === 'submit') return call.commitments ? SUBMIT_COMMITMENTS_SIGNATURE : SUBMIT_SIGNATURE;
  return call.commitments ? VERIFY_COMMITMENTS_SIGNATURE : VERIFY_SIGNATURE;
}
export const EVENT_SIGNATURE = 'BundleVerified(bytes32,bytes32,uint256,uint16[])';

/** The contract's custom errors, as declared in BundleVerifier.template.sol. */
export const ERROR_SIGNATURES = [
  'WrongKeyContract(uint256)',
  'WrongChunkCount(uint256,uint256)',
  'BadTokenCounts(uint256,uint256)',
  'TokenNotInVocabulary(uint256,uint256)',
  'NotAFieldElement(uint256)',
  'CoordinateNotBelowP(uint256)',
  'PointAtInfinity(uint256)',
  'PointNotOnCurve(uint256)',
  'PrecompileFailed(uint256)',
  'ProofsInvalid()',
  // BundleCommitments.template.sol (commitment contracts only)
  'CommitmentMismatch(uint256)',
  'CommitmentNotBelowP(uint256)',
  'CommitmentAtInfinity(uint256)',
  'CommitmentNotOnCurve(uint256)',
] as const;

export function keccak(data: Uint8Array | string): Uint8Array {
  return keccak_256(typeof data === 'string' ? utf8ToBytes(data) : data);
}

export function selector(signature: string): Uint8Array {
  return keccak(signature).slice(0, 4);
}


/**
 * Calldata of submit or verify. The signature decides whether the commitments argument is
 * encoded (a commitment signature with a call without commitments encodes an empty array: how
 * a test states "commitment missing").
 */
export function encodeVerifierCall(signature: string, call: VerifierCall): Uint8Array {
  for (const p of call.proofs) if (p.length !== 8) throw new RangeError('a proof is 8 words');
  const withCommitments = signature === SUBMIT_COMMITMENTS_SIGNATURE || signature === VERIFY_COMMITMENTS_SIGNATURE;
  if (!withCommitments && signature !== SUBMIT_SIGNATURE && signature !== VERIFY_SIGNATURE) throw new RangeError(`not a ZkinferVerifier call: ${signature}`);
  const commitments = call.commitments ?? [];
  for (const c of commitments) if (c.length !== 4) throw new RangeError('a commitment is 4 words');
  const head = withCommitments ? 6 : 5;
  const genWords = 1 + call.generated.length;
  const bndWords = 1 + call.boundaries.length;
  const words = [
    call.promptCommitment,
    call.nPrompt,
    BigInt(32 * head),
    BigInt(32 * (head + genWords)),
    BigInt(32 * (head + genWords + bndWords)),
    ...(withCommitments ? [BigInt(32 * (head + genWords + bndWords + 1 + 8 * call.proofs.length))] : []),
    BigInt(call.generated.length),
    ...call.generated,
    BigInt(call.boundaries.length),
    ...call.boundaries,
    BigInt(call.proofs.length),
    ...call.proofs.flat(),
    ...(withCommitments ? [BigInt(commitments.length), ...commitments.flat()] : []),
  ];
  return concatBytes(selector(signature), wordsToBytes(words));
}

/** address[N] constructor arguments. */
export function encodeAddresses(addresses: readonly string[]): Uint8Array {
  return wordsToBytes(addresses.map((a) => BigInt(a)));
}

export function wordAt(data: Uint8Array, i: number): bigint {
  const w = data.slice(32 * i, 32 * i + 32);
  if (w.length !== 32) throw new RangeError(`no word ${i} in ${data.length} bytes`);
  return BigInt(`0x${toHex(w)}`);
}

export function hex32(w: bigint): string {
  return w.toString(16).padStart(64, '0');
}

/** A revert's custom error by name and arguments, or undefined when it is none of the contract's (by default ZkinferVerifier's). */
export function decodeError(data: Uint8Array, signatures: readonly string[] = ERROR_SIGNATURES): { name: string; args: bigint[] } | undefined {
  if (data.length < 4) return undefined;
  const sel = toHex(data.slice(0, 4));
  const sig = signatures.find((s) => toHex(selector(s)) === sel);
  if (!sig) return undefined;
  const nArgs = sig.slice(sig.indexOf('(') + 1, -1).split(',').filter(Boolean).length;
  const body = data.slice(4);
  return { name: sig.slice(0, sig.indexOf('(')), args: [...Array(nArgs).keys()].map((i) => wordAt(body, i)) };
}

export interface BundleVerifiedEvent {
  modelId: string;
  receiptId: string;
  promptCommitment: bigint;
  generated: number[];
}

/** Decodes a BundleVerified log (topics: signature, modelId, receiptId; data: promptCommitment, generated). */
export function decodeBundleVerified(topics: readonly Uint8Array[], data: Uint8Array): BundleVerifiedEvent | undefined {
  if (topics.length !== 3 || toHex(topics[0]) !== toHex(keccak(EVENT_SIGNATURE))) return undefined;
  const offset = Number(wordAt(data, 1)) / 32;
  const n = Number(wordAt(data, offset));
  return {
    modelId: toHex(topics[1]),
    receiptId: toHex(topics[2]),
    promptCommitment: wordAt(data, 0),
    generated: [...Array(n).keys()].map((i) => Number(wordAt(data, offset + 1 + i))),
  };
}
