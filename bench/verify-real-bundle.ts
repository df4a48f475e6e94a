// Verification of a real proof bundle beside a toy bundle of the same shape (issue 15/16: the
// proof-pipeline bench saw 8.8 ms of workerd CPU per chunk against 2.5 ms in an older row).
// Node: the one cold call proof-pipeline times (no prepared keys), then warm medians. workerd:
// proof-pipeline's protocol (fresh workerd, one warm-up request, 3 measured, less an empty
// request), repeated on `--fresh` new workerds, then more warm requests on the last one.
// Run: npx node bench/verify-real-bundle.ts --manifest PKG/manifest.json --bundle proof.json [--fresh 4]
// (a bundle from `zkinfer prove --package PKG --out proof.json`). Prints; writes nothing.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseBundle, parseManifest, prepareManifest, verifyBundle } from '@zkinfer/verifier';
import { toyBundle, toyModel } from '../test/verify/helpers/toy-bundle.ts';
import { startVerifyWorker } from './workerd/harness.ts';

const { values } = parseArgs({ options: { manifest: { type: 'string' }, bundle: { type: 'string' }, fresh: { type: 'string', default: '4' } } });
if (!values.manifest || !values.bundle) throw new Error('usage: npx node bench/verify-real-bundle.ts --manifest FILE --bundle FILE [--fresh N]');
const fresh = Number(values.fresh);

const cpu = (f: () => unknown) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warm = (f: () => unknown) => (f(), median(Array.from({ length: 7 }, () => cpu(f))));

async function measure(label: string, manifestText: string, bundleText: string): Promise<void> {
  const manifest = parseManifest(JSON.parse(manifestText));
  const n = manifest.chunks.length;
  const cold = cpu(() => verifyBundle(manifest, parseBundle(JSON.parse(bundleText))));
  const prepared = prepareManifest(manifest);
  const bundle = parseBundle(JSON.parse(bundleText), manifest);
  if (!verifyBundle(manifest, bundle, prepared).valid) throw new Error(`${label}: bundle invalid`);
  const nodeWarm = warm(() => verifyBundle(manifest, parseBundle(JSON.parse(bundleText), manifest), prepared));
  const runs: number[] = [];
  let later = 0;
  for (let k = 0; k < fresh; k++) {
    const w = await startVerifyWorker();
    try {
      await w.setup(`{"manifest":${manifestText},"bundle":${bundleText}}`);
      await w.series('/parse-verify-bundle?n=1', 1);
      const empty = await w.series('/noop', 3);
      runs.push((await w.series('/parse-verify-bundle?n=1', 3)).cpu - empty.cpu);
      if (k === fresh - 1) later = (await w.series('/parse-verify-bundle?n=4', 3)).cpu / 4 - empty.cpu / 4;
    } finally {
      await w.dispose();
    }
  }
  const per = (ms: number) => `${ms.toFixed(0)} ms (${(ms / n).toFixed(2)} / chunk)`;
  console.log(`${label}, ${n} chunks: Node cold ${per(cold)}, warm ${per(nodeWarm)}; workerd protocol ${runs.map(per).join(', ')}; workerd warmer ${per(later)}; load ${loadavg()[0].toFixed(1)}`);
}

const manifestText = readFileSync(values.manifest, 'utf8');
const bundleText = readFileSync(values.bundle, 'utf8');
const parsed = parseManifest(JSON.parse(manifestText));
const toy = toyModel(parsed.ctx, parsed.chunks.length, 'bench');
console.log(`load ${loadavg()[0].toFixed(1)}`);
await measure('real bundle', manifestText, bundleText);
await measure('toy bundle', JSON.stringify(toy.manifest), JSON.stringify(toyBundle(toy)));
