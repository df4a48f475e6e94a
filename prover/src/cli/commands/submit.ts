import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command.ts';
import { apiBase, describeError, postJson } from '../../package/http.ts';
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
    let values;
    let positionals;
    try {
      ({ values, positionals } = parseArgs({ args, options: { api: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.api === undefined) throw new UsageError('--api is required');
    if (positionals.length !== 1) throw new UsageError('expected exactly one proof bundle file');
    const base = apiBase(values.api);
    let bundle: unknown;
    try {
      bundle = JSON.parse(readFileSync(positionals[0], 'utf8'));
    } catch (err) {
      throw new ZkinferError('bad_input', `${positionals[0]}: cannot read a JSON bundle (${(err as Error).message})`);
    }
    const model = (bundle as { modelId?: unknown } | null)?.modelId;
    if (typeof model !== 'string') throw new ZkinferError('bad_input', `${positionals[0]}: no modelId in the bundle`);
    const r = await postJson(`${base}/v1/verify`, { model, bundle });
    if (r.status !== 200) {
      if (values.json) console.log(JSON.stringify({ valid: false, status: r.status, ...r.body }));
      else console.error(`zkinfer submit: ${describeError(r)}`);
      return 1;
    }
    const receipt = r.body.receipt as { id: string; url: string; text?: string; warning?: string } | null | undefined;
    const valid = r.body.valid === true;
    if (values.json) console.log(JSON.stringify(r.body));
    else if (valid) {
      console.log(`valid: receipt ${receipt?.id}`);
      if (receipt?.warning) console.log(`WARNING: ${receipt.warning}`);
      console.log(`${receipt?.url}${receipt?.text === undefined ? '' : `\ntext: ${JSON.stringify(receipt.text)}`}`);
    } else console.log(`INVALID: ${String(r.body.reason)} (no receipt stored)`);
    return valid ? 0 : 1;
  },
};
