import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * receiptId = hex(SHA-256(utf8("zkinfer-receipt-v1\n" + modelId + "\n" + rows))), rows = one line
 * per chunk of its public signals joined by "," (docs/proof-format.md "Receipt id"). It hashes
 * the statement only, never proof bytes: Groth16 proofs are malleable (anyone can re-randomize
 * A, B, C), so a proof-dependent id would let one statement mint many receipts.
 */
export function receiptId(modelId: string, bundle: { chunks: readonly { publicSignals: readonly bigint[] }[] }): string {
  const rows = bundle.chunks.map((c) => c.publicSignals.map((s) => s.toString(10)).join(',')).join('\n');
  return bytesToHex(sha256(utf8ToBytes(`zkinfer-receipt-v1\n${modelId}\n${rows}`)));
}
