/** Worker thread of fixed-base.ts: one part of a batched fixed-base multiplication. */
import { parentPort, workerData } from 'node:worker_threads';
import { mulGeneratorEncoded, type EngineSource, type Group } from './fixed-base-core.ts';

const { src, group, scalarBytes } = workerData as { src: EngineSource; group: Group; scalarBytes: Uint8Array };
const points = await mulGeneratorEncoded(src, group, scalarBytes);
parentPort!.postMessage(points, [points.buffer as ArrayBuffer]);
