import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command.ts';
import { MANIFEST_FILE, readPackage } from '../../package/layout.ts';
import { apiBase, describeError, postJson } from '../../package/http.ts';

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
    let values;
    try {
      ({ values } = parseArgs({ args, options: { api: { type: 'string' }, package: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.api === undefined || values.package === undefined) throw new UsageError('--api and --package are required');
    const token = values.token ?? process.env.ZKINFER_ADMIN_TOKEN;
    if (!token) throw new UsageError('an admin token is required: --token T or $ZKINFER_ADMIN_TOKEN');
    const base = apiBase(values.api);
    const pkg = readPackage(values.package);
    const r = await postJson(`${base}/v1/models`, pkg.manifestJson, { authorization: `Bearer ${token}` });
    if (r.status !== 200 && r.status !== 201) {
      if (values.json) console.log(JSON.stringify({ ok: false, status: r.status, ...r.body }));
      else console.error(`zkinfer register: ${describeError(r)}`);
      return 1;
    }
    const model = r.body.model as { modelId: string; manifestHash: string } | undefined;
    if (values.json) console.log(JSON.stringify({ ok: true, status: r.status, modelId: model?.modelId, manifestHash: model?.manifestHash }));
    else console.log(`${r.status === 201 ? 'registered' : 'already registered (same manifest)'}: model ${model?.modelId} at ${base}/v1/models/${model?.modelId} (from ${join(values.package, MANIFEST_FILE)})`);
    return 0;
  },
};
