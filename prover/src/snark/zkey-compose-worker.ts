/** Worker thread of zkey-compose.ts: runs composePoints / scalePoints / differencesU jobs in order. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Group } from './fixed-base-core.ts';
import { composePoints, differencesU, initCompose, scalePoints, type ComposeInit } from './zkey-compose-core.ts';

type Job =
  | { id: number; op: 'compose'; group: Group; counts: Uint32Array; terms: Uint32Array }
  | { id: number; op: 'scale'; points: Uint8Array; scalar: Uint8Array }
  | { id: number; op: 'differences'; a: Uint8Array; b: Uint8Array };

await initCompose(workerData as ComposeInit);
const port = parentPort!;
port.on('message', (job: Job) => {
  try {
    if (job.op === 'compose') {
      const { lem, u } = composePoints(job.group, job.counts, job.terms);
      port.postMessage({ id: job.id, lem, u }, [lem.buffer as ArrayBuffer, u.buffer as ArrayBuffer]);
    } else if (job.op === 'scale') {
      const points = scalePoints(job.points, job.scalar);
      port.postMessage({ id: job.id, points }, [points.buffer as ArrayBuffer]);
    } else {
      const u = differencesU(job.a, job.b);
      port.postMessage({ id: job.id, u }, [u.buffer as ArrayBuffer]);
    }
  } catch (err) {
    port.postMessage({ id: job.id, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
port.postMessage({ ready: true });
