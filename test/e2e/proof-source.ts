/**
 * Where the end-to-end test gets its model and proofs.
 *
 * toy: test/helpers/toy-model.ts (real snarkjs keys and proofs of toy circuits with the full
 *      public layout), registered and submitted with prover/src/cli/submit.ts, the same
 *      calls `npm start` and `zkinfer prove --submit` make.
 */
import { makeToyModel } from '../helpers/toy-model.ts';
import { shutdownProver } from '../../prover/src/snark/prove.ts';
import { registerManifest, submitAndDescribe } from '../../prover/src/cli/submit.ts';

export interface Proved {
  receiptId: string;
  valid: boolean;
  bundle: Record<string, unknown>;
}

export interface ProofSource {
  kind: 'cli' | 'toy';
  /** The registered manifest. */
  manifest: Record<string, unknown>;
  /** Proves a short prompt and submits it to the API. */
  proveAndSubmit(): Promise<Proved>;
  close(): Promise<void>;
}

/**
 * A copy of `bundle` with its first generated token changed, consistently in the statement
 * and in every chunk's public signals (posTokens[nPrompt], docs/proof-format.md), so the
 * bundle is well-formed and only the Groth16 checks can refuse it.
 */
export function tamperGeneratedToken(bundle: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(bundle) as { statement: { nPrompt: number; generated: number[] }; chunks: { publicSignals: string[] }[] };
  const t = copy.statement.generated[0];
  const changed = t === 0 ? 1 : t - 1;
  copy.statement.generated[0] = changed;
  for (const chunk of copy.chunks) chunk.publicSignals[7 + copy.statement.nPrompt] = String(changed);
  return copy as unknown as Record<string, unknown>;
}

async function toySource(api: string, adminToken: string): Promise<ProofSource> {
  const first = await makeToyModel({ chunks: 2, ctx: 8, prompt: 'Hi', generated: [...Buffer.from('!ok')], variant: 'e2e' });
  const reg = await registerManifest(api, adminToken, first.manifest);
  if (reg.modelId !== first.manifest.modelId) throw new Error(`registered ${reg.modelId}, expected ${String(first.manifest.modelId)}`);
  return {
    kind: 'toy',
    manifest: first.manifest,
    async proveAndSubmit() {
      const r = await submitAndDescribe(api, first.bundle);
      return { receiptId: r.receiptId, valid: r.valid, bundle: first.bundle };
    },
    close: () => shutdownProver(),
  };
}

export async function makeProofSource(opts: { work: string; api: string; adminToken: string }): Promise<ProofSource> {
  return toySource(opts.api, opts.adminToken);
}
