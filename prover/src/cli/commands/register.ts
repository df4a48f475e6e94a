import { join } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { MANIFEST_FILE, readPackage } from '../../package/layout.ts';
import { ApiError, apiOrigin, registerManifest } from '../../client/api.ts';

const usage = `usage: zkinfer register --api URL --package DIR [--token T] [--json]

Registers the package's manifest (DIR/${MANIFEST_FILE}) with the API (POST /v1/models). Rows
are immutable: the same manifest again is accepted (200), a different one under the same
model id is refused (409).

  --api URL     API base URL, e.g. http://127.0.0.1:8787
  --token T     admin bearer token (default: $ZKINFER_ADMIN_TOKEN)
exit codes: 0 registered (or already registered identically), 1 refused by the API, 2 bad arguments`;

export const command: Command = {
  name: 'register',
  summary: 'register a package manifest with the API (admin)',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      options: { api: { type: 'string', required: true }, package: { type: 'string', required: true }, token: { type: 'string' }, json: { type: 'boolean' } },
    });
    const token = values.token ?? process.env.ZKINFER_ADMIN_TOKEN;
    if (!token) throw new UsageError('an admin token is required: --token T or $ZKINFER_ADMIN_TOKEN');
    const api = apiOrigin(values.api);
    const pkg = readPackage(values.package);
    let r;
    try {
      r = await registerManifest(api, token, pkg.manifestJson);
    } catch (err) {
      // --json: the refusal as data on stdout (exit 1); otherwise main.ts prints it in one line.
      if (!(values.json && err instanceof ApiError && err.status !== 0)) throw err;
      console.log(JSON.stringify({ ok: false, status: err.status, ...(err.body && typeof err.body === 'object' ? err.body : {}) }));
      return 1;
    }
    if (values.json) console.log(JSON.stringify({ ok: true, status: r.created ? 201 : 200, modelId: r.modelId, manifestHash: r.manifestHash }));
    else console.log(`${r.created ? 'registered' : 'already registered (same manifest)'}: model ${r.modelId} at ${api}/v1/models/${r.modelId} (from ${join(values.package, MANIFEST_FILE)})`);
    return 0;
  },
};
