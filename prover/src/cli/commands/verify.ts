import { readFileSync } from 'node:fs';
import { VerifyInputError, decodeTokens, parseBundle, receiptId, verifyBundle } from '@zkinfer/verifier';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { readPackage } from '../../package/layout.ts';
import { ZkinferError } from '../../errors.ts';

const usage = `usage: zkinfer verify --package DIR proof.json [--json]

Checks a proof bundle against the package's manifest with the strict verifier (the code the
API and the widget run): model id, ctx, public-signal layout, commitment chain, and every
chunk's Groth16 proof.

exit codes: 0 valid, 1 invalid, 2 malformed bundle or bad arguments
  --json   print {"valid", "reason"?, "receiptId"?, "generated"?, "text"?} instead of text`;

export const command: Command = {
  name: 'verify',
  summary: 'verify a proof bundle against a compiled package (strict verifier)',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      options: { package: { type: 'string', required: true }, json: { type: 'boolean' } },
      positionals: { min: 1, max: 1, what: 'proof bundle file' },
    });
    const pkg = readPackage(values.package);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(positionals[0], 'utf8'));
    } catch (err) {
      throw new ZkinferError('bad_input', `${positionals[0]}: cannot read a JSON bundle (${(err as Error).message})`);
    }
    let bundle;
    try {
      bundle = parseBundle(json);
    } catch (err) {
      if (!(err instanceof VerifyInputError)) throw err;
      if (values.json) console.log(JSON.stringify({ valid: false, malformed: true, code: err.code, reason: err.message }));
      else console.error(`zkinfer verify: malformed bundle: ${err.message}`);
      return 2;
    }
    const verdict = verifyBundle(pkg.manifest, bundle);
    const text = pkg.manifest.detokenizer ? decodeTokens(pkg.manifest.detokenizer, bundle.statement.generated) : undefined;
    if (values.json) {
      console.log(JSON.stringify(verdict.valid ? { valid: true, receiptId: receiptId(bundle.modelId, bundle), generated: bundle.statement.generated, text } : verdict));
    } else if (verdict.valid) {
      console.log(`valid: model ${bundle.modelId}, ${bundle.statement.nPrompt} private prompt tokens, ${bundle.statement.nGenerated} generated${text === undefined ? '' : `: ${JSON.stringify(text)}`}`);
      console.log(`receipt id ${receiptId(bundle.modelId, bundle)}`);
    } else {
      console.log(`INVALID: ${verdict.reason}`);
    }
    return verdict.valid ? 0 : 1;
  },
};
