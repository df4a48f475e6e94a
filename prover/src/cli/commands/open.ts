import { readFileSync } from 'node:fs';
import { VerifyInputError, parseBundle } from '@zkinfer/verifier';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { checkOpening, parseOpening } from '../../bundle/opening.ts';
import { ZkinferError } from '../../errors.ts';

const usage = `usage: zkinfer open --bundle proof.json --opening FILE [--json]

Reveals the private prompt of a bundle: recomputes promptCommitment from the opening file's
prompt tokens and salt and checks it equals the bundle's. Prints the prompt when it does.
(It does not check the proofs: use zkinfer verify for that.)

exit codes: 0 the opening matches, 1 it does not, 2 malformed files`;

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ZkinferError('bad_input', `${path}: cannot read JSON (${(err as Error).message})`);
  }
}

export const command: Command = {
  name: 'open',
  summary: 'check an opening file against a bundle and print the revealed prompt',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, { options: { bundle: { type: 'string', required: true }, opening: { type: 'string', required: true }, json: { type: 'boolean' } } });
    let bundle;
    try {
      bundle = parseBundle(readJsonFile(values.bundle));
    } catch (err) {
      if (err instanceof VerifyInputError) throw new ZkinferError('bad_input', `${values.bundle}: malformed bundle: ${err.message}`);
      throw err;
    }
    const opening = parseOpening(readJsonFile(values.opening), values.opening);
    const r = checkOpening(opening, bundle);
    if (values.json) console.log(JSON.stringify(r.ok ? { ok: true, prompt: opening.prompt, promptTokens: opening.promptTokens } : r));
    else if (r.ok) console.log(opening.prompt);
    else console.error(`zkinfer open: the opening does not match: ${r.reason}`);
    return r.ok ? 0 : 1;
  },
};
