import { readFileSync } from 'node:fs';
import { R } from '@zkinfer/verifier';
import type { ContractPlan } from './plan.ts';
import { toHex } from './words.ts';

/**
 * The Solidity source of a plan: BundleVerifier.template.sol (the fixed verification logic)
 * with the model's constants filled in, and one `ZkinferKey<j>` contract per distinct key whose
 * constructor returns the key blob as the contract's code.
 */

const TEMPLATE = readFileSync(new URL('./BundleVerifier.template.sol', import.meta.url), 'utf8');
/** The BSB22 commitment checks, spliced in for a plan whose keys have commitments (see withCommitments). */
const COMMITMENTS = readFileSync(new URL('./BundleCommitments.template.sol', import.meta.url), 'utf8');
/** The receipt text's decimal writer (a library without template fields, inlined into the verifier). */
export const DECIMAL_LIBRARY = readFileSync(new URL('./ZkinferDecimal.sol', import.meta.url), 'utf8');

export const VERIFIER_CONTRACT = 'ZkinferVerifier';
export const keyContractName = (j: number): string => `ZkinferKey${j}`;

function keyContract(plan: ContractPlan, j: number): string {
  const key = plan.keys[j];
  return [
    `/// Verification key ${j} (vkeyHash ${key.vkeyHash}) as contract code: a STOP byte, then α, β, γ,`,
    `/// δ and IC as EIP-196/197 words. Deploy it, then pass its address to ZkinferVerifier.`,
    `contract ${keyContractName(j)} {`,
    '    constructor() {',
    `        bytes memory code = hex"${toHex(key.code)}";`,
    '        assembly {',
    '            return(add(code, 0x20), mload(code))',
    '        }',
    '    }',
    '}',
  ].join('\n');
}

/**
 * The template with the commitment checks spliced in at four fixed places: the `commitments`
 * argument of submit and verify, their point checks, their share of the batch sums, and the
 * functions themselves. The plain template is left as it is, so a plain plan's source, and its
 * bytecode (the metadata hashes the source), is what it was before commitments existed.
 */
function withCommitments(template: string): string {
  const splices: [string, string][] = [
    [
      '        uint256[8][] calldata proofs\n    ) external returns (bytes32 receiptId, bool recorded) {\n        receiptId = verify(promptCommitment, nPrompt, generated, boundaries, proofs);',
      '        uint256[8][] calldata proofs,\n        uint256[4][] calldata commitments\n    ) external returns (bytes32 receiptId, bool recorded) {\n        receiptId = verify(promptCommitment, nPrompt, generated, boundaries, proofs, commitments);',
    ],
    [
      '        uint256[8][] calldata proofs\n    ) public view returns (bytes32) {\n        _checkStatement(promptCommitment, nPrompt, generated, boundaries, proofs.length);\n        _checkProofPoints(proofs);',
      '        uint256[8][] calldata proofs,\n        uint256[4][] calldata commitments\n    ) public view returns (bytes32) {\n        _checkStatement(promptCommitment, nPrompt, generated, boundaries, proofs.length);\n        _checkProofPoints(proofs);\n        _checkCommitmentPoints(commitments);',
    ],
    [
      '        failed |= _addKeys(base, promptCommitment, nPrompt, generated);',
      '        failed |= _addKeys(base, promptCommitment, nPrompt, generated);\n        failed |= _addCommitments(base, transcript, promptCommitment, nPrompt, generated);',
    ],
    ['    // ---- receipt id', `${COMMITMENTS}    // ---- receipt id`],
  ];
  return splices.reduce((t, [at, by]) => {
    if (t.split(at).length !== 2) throw new Error(`BundleVerifier.template.sol: splice point not found once: ${at.slice(0, 60)}`);
    return t.replace(at, () => by);
  }, template);
}

export function contractSource(plan: ContractPlan): string {
  const n = plan.keys.length;
  const range = [...Array(n).keys()];
  const fields: Record<string, string> = {
    NAME: plan.name.replace(/[\r\n]/g, ' '),
    MODEL_ID: plan.modelId,
    MODEL_TAG: plan.modelTag.toString(10),
    CTX: String(plan.ctx),
    N_CHUNKS: String(plan.chunkKeys.length),
    VOCAB_SIZE: String(plan.vocabSize),
    N_KEYS: String(n),
    N_SLOTS: String(plan.slotSources.length),
    KEY_BYTES: String(plan.keys[0].code.length - 1),
    KEYS_DIGEST: toHex(plan.keysDigest),
    CHUNK_KEYS: toHex(Uint8Array.from(plan.chunkKeys.flatMap((j) => [j, plan.keys[j].slots[2]]))),
    KEY_SLOTS: toHex(Uint8Array.from(plan.keys.flatMap((k) => k.slots))),
    SLOT_SOURCES: toHex(Uint8Array.from(plan.slotSources.flatMap((s) => [s.key, s.offset >> 8, s.offset & 0xff]))),
    KEY_ALPHAS: toHex(Uint8Array.from(plan.keys.map((k) => k.alphaGroup))),
    ALPHA_SOURCES: toHex(Uint8Array.from(plan.alphaGroups.flatMap((a) => [a.key, a.slot]))),
    N_ALPHAS: String(plan.alphaGroups.length),
    SMALL_SCALAR_BITS: String(plan.smallScalarBits),
    KEY_CONTRACTS: range.map((j) => keyContract(plan, j)).join('\n\n'),
    KEY_IMMUTABLES: range.map((j) => `    address private immutable KEY_CONTRACT_${j};`).join('\n'),
    KEY_ASSIGNMENTS: range.map((j) => `        KEY_CONTRACT_${j} = keyContracts[${j}];`).join('\n'),
    KEY_SWITCH: range.map((j) => `        if (j == ${j}) return KEY_CONTRACT_${j};`).join('\n'),
    KEY_CODEHASHES: plan.keys.map((k) => `bytes32(0x${toHex(k.codeHash)})`).join(', '),
  };
  if (plan.keys.some((k) => k.code.length !== plan.keys[0].code.length)) throw new RangeError('key blobs differ in length');
  // The batch check's memory layout (the template's M_* constants).
  const nSlots = plan.slotSources.length;
  const keyBytes = plan.keys[0].code.length - 1;
  const mSlots = 192 * (plan.chunkKeys.length + nSlots);
  const mSums = mSlots + 160 * nSlots;
  const mAlphaSums = mSums + 128 * n;
  const mKey = mAlphaSums + 32 * plan.alphaGroups.length;
  const mWork = mKey + 32 * Math.ceil(keyBytes / 32);
  Object.assign(fields, { M_SLOTS: String(mSlots), M_SUMS: String(mSums), M_ALPHA_SUMS: String(mAlphaSums), M_KEY: String(mKey), M_WORK: String(mWork), M_BYTES: String(mWork + 7 * 32) });
  if (plan.commitments) {
    const nSignals = 7 + plan.ctx;
    Object.assign(fields, {
      KEY_HASHES: plan.keys.map((k) => k.vkeyHash).join(''),
      KEY_SIGMAS: toHex(Uint8Array.from(plan.keys.map((k) => k.sigmaSlot ?? 0))),
      WIDE_MOD_R: ((1n << 256n) % R).toString(10),
      N_SIGNALS: String(nSignals),
      CHALLENGE_BYTES: String(128 + 32 * nSignals),
      K_IC_CHALLENGE: String(384 + 64 * (nSignals + 1)),
    });
  }
  const out = (plan.commitments ? withCommitments(TEMPLATE) : TEMPLATE).replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const v = fields[name];
    if (v === undefined) throw new Error(`template field ${name} has no value`);
    return v;
  });
  return `${out}\n${DECIMAL_LIBRARY}`;
}
