/**
 * SHA-256 of every distinct chunk circuit's .r1cs (the manifest's circuitHash, the key cache's
 * key) for the bundled model and stories260K, built in shape mode exactly as `zkinfer compile`
 * builds them (default layout and chunk power). A refactor of the constraint system or the
 * gadgets that must not change the circuits (docs/decisions.md 14) shows it by printing the
 * same lines before and after.
 * Run: npx node scripts/circuit-hashes.ts [T]   (default T = 32; stories260K skipped when absent)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { defaultChunkPower, planStages, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { prepareModel } from '@zkinfer/prover/package/model.ts';

const T = Number(process.argv[2] ?? 32);
const MODELS = [
  { name: 'default', path: DEFAULT_MODEL_PATH },
  { name: 'stories260K', path: fileURLToPath(new URL('../../shared/models/stories260K/stories260K.gguf', import.meta.url)) },
];

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-circuit-hashes-'));
try {
  for (const model of MODELS) {
    if (!existsSync(model.path)) {
      console.log(`${model.name}: skipped (no model at ${model.path})`);
      continue;
    }
    const m = await prepareModel(model.path, () => {});
    const stages = stagesForLayout('positions', m.q, T);
    const power = defaultChunkPower(stages, T);
    const plans = planStages(stages, { ctx: T, power });
    const seen = new Set<number>();
    for (const plan of plans) {
      const kind = plan.position?.kind;
      if (kind !== undefined && seen.has(kind)) continue;
      if (kind !== undefined) seen.add(kind);
      const { cs } = buildChunk({ modelId: m.modelId, ctx: T, q: m.q, stages, plans, index: plan.index });
      const path = join(dir, 'c.r1cs');
      const { sha256 } = writeR1cs(cs, path);
      const again = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (again !== sha256) throw new Error(`circuit-hashes: writeR1cs reported ${sha256}, the file hashes to ${again}`);
      const what = kind !== undefined ? `kind ${kind}` : `chunk ${plan.index}`;
      console.log(`${model.name} T=${T} 2^${power} ${what}: ${cs.nConstraints} constraints, ${cs.nWires} wires, r1cs sha256 ${sha256}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
