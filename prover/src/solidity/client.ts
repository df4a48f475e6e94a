import { callSignature, decodeBundleVerified, decodeError, encodeVerifierCall, selector, wordAt, type BundleVerifiedEvent, type VerifierCall } from './abi.ts';
import type { LocalChain, PrecompileCall } from './local-chain.ts';
import { toHex } from './words.ts';

/** Submitting bundles to a deployed ZkinferVerifier on a LocalChain, with the gas of each part. */

/** EIP-1108 prices (Istanbul) of the BN254 precompiles and the sha256 precompile's (yellow paper). */
export function precompileGas(c: PrecompileCall): bigint {
  switch (c.address) {
    case 2:
      return 60n + 12n * BigInt(Math.ceil(c.inputLength / 32));
    case 6:
      return 150n;
    case 7:
      return 6000n;
    case 8:
      return 45000n + 34000n * BigInt(c.inputLength / 192);
    default:
      return 0n;
  }
}

export interface GasParts {
  total: bigint;
  /** 21,000 of every transaction. */
  base: bigint;
  /** EIP-2028 calldata. */
  calldata: bigint;
  /** The one pairing-check call (0x08). */
  pairing: bigint;
  /** ecMul/ecAdd of each chunk: ρ_k·A_k and ρ_k·C_k (k ≥ 1) and adding C into its δ slot. */
  chunkScalars: bigint;
  /** ecMul/ecAdd of the per-key public-input sums (IC points) and s_j·α_j. */
  publicInputs: bigint;
  /** The receipt id's sha256 call. */
  sha256: bigint;
  /** BSB22 commitments (0 for a plain contract): per chunk the challenge's two sha256 calls and 4 ecMul + 4 ecAdd (ρD, ρc·IC, ρ'π, −ρ'D). */
  commitments: bigint;
  /** Everything else: statement checks, transcript hash, receipt text, storage, event, memory. */
  other: bigint;
}

export interface SubmitOutcome {
  reverted: boolean;
  /** The custom error when reverted (undefined: no known error, e.g. out of gas). */
  error?: { name: string; args: bigint[] };
  receiptId?: string;
  /** False when this statement was already recorded (idempotent resubmission). */
  recorded?: boolean;
  event?: BundleVerifiedEvent;
  gas: GasParts;
  precompileCalls: PrecompileCall[];
}

export async function submitCall(chain: LocalChain, verifier: string, call: VerifierCall): Promise<SubmitOutcome> {
  const calls: PrecompileCall[] = [];
  const off = chain.tracePrecompiles((c) => calls.push(c));
  let out;
  try {
    out = await chain.send(verifier, encodeVerifierCall(callSignature('submit', call), call));
  } finally {
    off();
  }
  const n = call.proofs.length;
  const staticCall = 100n; // EIP-2929: a precompile's address is always warm
  const sum = (addr: number) => calls.filter((c) => c.address === addr).reduce((g, c) => g + precompileGas(c) + staticCall, 0n);
  const ec = sum(6) + sum(7);
  const chunkScalars = out.reverted ? 0n : BigInt(n - 1) * 2n * (6000n + staticCall) + BigInt(n) * (150n + staticCall);
  const sha = calls.filter((c) => c.address === 2).map((c) => precompileGas(c) + staticCall);
  const receiptSha = out.reverted ? 0n : (sha.at(-1) ?? 0n); // the receipt id's call comes last
  const commitmentEc = out.reverted || !call.commitments ? 0n : BigInt(n) * 4n * (6000n + staticCall + 150n + staticCall);
  const commitments = out.reverted || !call.commitments ? 0n : commitmentEc + sum(2) - receiptSha;
  const gas: GasParts = {
    total: out.gasUsed,
    base: 21000n,
    calldata: out.calldataGas,
    pairing: sum(8),
    chunkScalars,
    publicInputs: ec - chunkScalars - commitmentEc,
    sha256: out.reverted ? sum(2) : receiptSha,
    commitments,
    other: 0n,
  };
  gas.other = gas.total - gas.base - gas.calldata - gas.pairing - gas.chunkScalars - gas.publicInputs - gas.sha256 - gas.commitments;
  if (out.reverted) return { reverted: true, error: decodeError(out.returnValue), gas, precompileCalls: calls };
  const events = out.logs.map((l) => decodeBundleVerified(l.topics, l.data)).filter((e) => e !== undefined);
  return {
    reverted: false,
    receiptId: toHex(out.returnValue.slice(0, 32)),
    recorded: wordAt(out.returnValue, 1) === 1n,
    event: events[0],
    gas,
    precompileCalls: calls,
  };
}

/** The contract's MODEL_ID (bytes32 public constant), by eth_call. */
export async function verifierModelId(chain: LocalChain, verifier: string): Promise<string> {
  const r = await chain.call(verifier, selector('MODEL_ID()'));
  if (r.reverted || r.returnValue.length !== 32) throw new Error(`${verifier} is not a ZkinferVerifier (MODEL_ID() failed)`);
  return toHex(r.returnValue);
}

/** Whether receipt `id` (64 hex) is recorded by the verifier. */
export async function isRecorded(chain: LocalChain, verifier: string, id: string): Promise<boolean> {
  const data = new Uint8Array(36);
  data.set(selector('verifiedReceipts(bytes32)'));
  data.set(Buffer.from(id, 'hex'), 4);
  const r = await chain.call(verifier, data);
  return !r.reverted && wordAt(r.returnValue, 0) === 1n;
}
