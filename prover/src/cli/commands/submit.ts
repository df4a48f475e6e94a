import { readFileSync } from 'node:fs';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ApiError, apiOrigin, postBundle, readVerifyAnswer } from '../../client/api.ts';
import { ZkinferError } from '../../errors.ts';

const usage = `usage: zkinfer submit --api URL proof.json [--json]

Sends a proof bundle to the API (POST /v1/verify { model, bundle }) and prints the receipt id
and URL. The API stores valid bundles only; the receipt id depends on the statement alone.

exit codes: 0 valid (receipt stored), 1 invalid or refused by the API, 2 bad arguments / unreadable file`;

export const command: Command = {
  name: 'submit',
  summary: 'submit a proof bundle to the API and print the receipt',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      options: { api: { type: 'string', required: true }, json: { type: 'boolean' } },
      positionals: { min: 1, max: 1, what: 'proof bundle file' },
    });
    const api = apiOrigin(values.api);
    let bundle: unknown;
    try {
      bundle = JSON.parse(readFileSync(positionals[0], 'utf8'));
    } catch (err) {
      throw new ZkinferError('bad_input', `${positionals[0]}: cannot read a JSON bundle (${(err as Error).message})`);
    }
    if (typeof (bundle as { modelId?: unknown } | null)?.modelId !== 'string') throw new ZkinferError('bad_input', `${positionals[0]}: no modelId in the bundle`);
    let body: Record<string, unknown>;
    try {
      body = await postBundle(api, bundle as Record<string, unknown>);
    } catch (err) {
      // --json: the refusal as data on stdout (exit 1); otherwise main.ts prints it in one line.
      if (!(values.json && err instanceof ApiError && err.status !== 0)) throw err;
      console.log(JSON.stringify({ valid: false, status: err.status, ...(err.body && typeof err.body === 'object' ? err.body : {}) }));
      return 1;
    }
    const r = readVerifyAnswer(body);
    if (values.json) console.log(JSON.stringify(body));
    else if (r.valid) {
      console.log(`valid: receipt ${r.receiptId}`);
      if (r.warning) console.log(`WARNING: ${r.warning}`);
      console.log(`${r.receiptUrl}${r.text === undefined ? '' : `\ntext: ${JSON.stringify(r.text)}`}`);
    } else console.log(`INVALID: ${r.reason} (no receipt stored)`);
    return r.valid ? 0 : 1;
  },
};
