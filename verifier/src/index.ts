/**
 * zkinfer's strict Groth16 verifier and proof-bundle checker (docs/proof-format.md).
 * Pure TypeScript on @noble/curves + @noble/hashes: runs in Cloudflare Workers, browsers and
 * Node. No snarkjs (GPL, and it compiles WebAssembly at run time, which workerd forbids).
 */
export { R, P } from './fields.ts';
export { VerifyInputError, type VerifyErrorCode } from './errors.ts';
export { parseG1, parseG2, g1ToJson, g2ToJson, type G1Point, type G2Point, type Fp2 } from './points.ts';
export {
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
  canonicalVkeyJson,
  checkKeySafety,
  proofToJson,
  verificationKeyToJson,
  MAX_PUBLIC_SIGNALS,
  type Groth16Proof,
  type VerificationKey,
} from './groth16-json.ts';
export {
  prepareVerificationKey,
  prepareVerificationKeys,
  verifyGroth16,
  verifyGroth16Batch,
  withChallengeSignal,
  publicInputPoint,
  type PreparedVerificationKey,
  type Groth16BatchItem,
} from './groth16.ts';
export {
  SIGNAL,
  POS_TOKENS_OFFSET,
  MAX_CTX,
  MAX_VOCAB,
  nPublicForCtx,
  publicSignalLayout,
  publicSignalRecord,
  modelTag,
  posTokens,
  expectedPublicSignals,
  type Statement,
  type SignalName,
  type PublicSignalRecord,
} from './layout.ts';
export {
  parseManifest,
  manifestToJson,
  canonicalManifestJson,
  vkeyHash,
  MAX_CHUNKS,
  type Manifest,
  type ManifestChunk,
  type Architecture,
  type Family,
  type Detokenizer,
} from './manifest.ts';
export {
  parseBundle,
  allowedChunkCounts,
  chunkCountProblem,
  positionsRead,
  bundleToJson,
  statementToJson,
  verifyBundle,
  prepareManifest,
  type Bundle,
  type BundleChunk,
  type BundleJson,
  type BundleVerdict,
  type StatementJson,
} from './bundle.ts';
export { receiptId } from './receipt.ts';
export { decodeTokens } from './detokenize.ts';
export { commitmentChallenge, withoutChallenge, CHALLENGE_TAG, type KeyCommitment, type ProofCommitment } from './commitment.ts';
