import { writeInitialZkey } from '../prover/src/snark/zkey-new.ts';
import { zkinferCacheDir } from '../prover/src/quant/cache.ts';
import { preparedPtau } from '../prover/src/snark/ptau.ts';
import { readFileSync } from 'node:fs';
const ptau = (await preparedPtau({ power: 15, cacheDir: zkinferCacheDir() })).path;
const t0 = performance.now(); const c0 = process.cpuUsage();
await writeInitialZkey('/work/cache-setup/sbs/chunk.r1cs', ptau, '/work/cache-setup/sbs/new0', Number(process.argv[2] ?? 1));
console.log(`wall ${((performance.now() - t0) / 1000).toFixed(1)} s cpu ${(process.cpuUsage(c0).user / 1e6).toFixed(1)} s`, readFileSync('/work/cache-setup/sbs/new0').equals(readFileSync('/work/cache-setup/sbs/old0')));
process.exit(0);
