/**
 * One snarkjs groth16 prove in a process of its own, for bench/prover-vs-snarkjs.ts: prints
 * {wallMs, cpuMs, maxRssBytes, proof, publicSignals} as JSON. Usage:
 *   npx node bench/snarkjs-prove-child.ts ZKEY WTNS single|multi
 * `multi` is snarkjs's default multi-threaded curve (one ffjavascript worker per core).
 */
import { groth16Prove, shutdownProver } from '@zkinfer/prover/snark/prove.ts';

const [zkey, wtns, mode] = process.argv.slice(2);
if (!zkey || !wtns || (mode !== 'single' && mode !== 'multi')) throw new TypeError('usage: snarkjs-prove-child.ts ZKEY WTNS single|multi');
const t0 = performance.now();
const r = await groth16Prove(zkey, wtns, { singleThread: mode === 'single' });
const wallMs = performance.now() - t0;
await shutdownProver();
const u = process.resourceUsage(); // all threads of this process, worker threads included
process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssBytes: u.maxRSS * 1024, ...r })}\n`);
