import { readFileSync } from 'node:fs';
import {
  VerifyInputError,
  checkKeySafety,
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
  prepareVerificationKey,
  verifyGroth16,
  withChallengeSignal,
} from '@zkinfer/verifier';
import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ZkinferError } from '../../errors.ts';

const usage = `usage: zkinfer verify-groth16 --vkey vk.json --proof proof.json --public public.json [--json]

Checks one snarkjs Groth16 proof (groth16 / bn128) with zkinfer's strict verifier, the same
code the API and the badge widget run: decimal strings only, points canonical, on the curve,
in their subgroups and not at infinity, exactly nPublic signals each < r, unknown fields
refused, and keys without a phase-2 contribution (δ = γ or δ = g2) refused. A key with a
BSB22 commitment (docs/proof-format.md "Commitment") needs a proof with commitment and
commitmentPok; the challenge's public signal is recomputed from them, never trusted. When the
challenge is the key's last input, --public may leave it out (a bundle chunk's publicSignals).

exit codes: 0 valid, 1 invalid proof, 2 malformed input or unsafe key (one-line reason)
  --json   print {"valid": bool, "reason"?: string, "code"?: string} instead of text`;

function readJson(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ZkinferError('bad_input', `${flag} ${path}: not JSON (${(err as Error).message})`);
  }
}

export const command: Command = {
  name: 'verify-groth16',
  summary: 'strictly verify one snarkjs Groth16 proof (exit 0 valid, 1 invalid, 2 malformed)',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      options: { vkey: { type: 'string', required: true }, proof: { type: 'string', required: true }, public: { type: 'string', required: true }, json: { type: 'boolean' } },
    });
    const vkJson = readJson(values.vkey, '--vkey');
    const proofJson = readJson(values.proof, '--proof');
    const publicJson = readJson(values.public, '--public');
    try {
      const vk = parseVerificationKey(vkJson, 'vkey');
      checkKeySafety(vk, 'vkey');
      const proof = parseProof(proofJson, 'proof');
      // A commitment key whose challenge is the last input also takes the signals without it
      // (a bundle chunk's publicSignals): the challenge is then computed and appended.
      const lastChallenge = vk.commitment?.publicIndex === vk.nPublic;
      const short = lastChallenge && Array.isArray(publicJson) && publicJson.length === vk.nPublic - 1;
      const pvk = prepareVerificationKey(vk);
      const signals = withChallengeSignal(pvk, proof, parsePublicSignals(publicJson, short ? vk.nPublic - 1 : vk.nPublic, 'public'));
      const valid = verifyGroth16(pvk, proof, signals);
      console.log(values.json ? JSON.stringify({ valid }) : valid ? 'valid' : 'invalid');
      return valid ? 0 : 1;
    } catch (err) {
      if (!(err instanceof VerifyInputError)) throw err;
      // Malformed input is not an "invalid proof": exit 2 with the code and the field path.
      if (values.json) console.log(JSON.stringify({ valid: false, code: err.code, reason: err.message }));
      else console.error(`zkinfer verify-groth16: ${err.code}: ${err.message}`);
      return 2;
    }
  },
};
