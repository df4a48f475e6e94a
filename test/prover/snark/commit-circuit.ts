/**
 * The commitment tests' hand-made circuit (docs/lookups-design.md "The commitment"): wires
 *   1 y (public) = x², 2 c (public, the challenge), 3 x (committed), 4 ρ (committed blinding
 *   wire), 5 ρ' = ρ·1 (so P_ρ is not the identity), 6 u with u·(c − x) = 1 (a constraint that
 *   USES the challenge: it has a solution for every c ≠ x), then `extraRows` products.
 * The circuit's witness takes c from an oracle called with the committed values [x, ρ] and the
 * other publics [y], as a lookup circuit would in `cs.ranges.resolve()`; tests pass the
 * snark's oracle (commitment-prove.ts) or adversarial ones.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChallengeOracle, CommitmentSpec } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { R, inv } from '@zkinfer/prover/circuit/field.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { writePtauWithSecrets } from '@zkinfer/prover/snark/ptau-local.ts';
import { requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import type { SnarkjsVkey } from '@zkinfer/prover/snark/setup.ts';
import { parseVerificationKey, vkeyHash } from '@zkinfer/verifier';

export const COMMIT_SPEC: CommitmentSpec = { wires: [3, 4], challengeWire: 2 };

export interface CommitWitness {
  x: bigint;
  rho: bigint;
  oracle: ChallengeOracle;
}

/** The circuit; with `w` in witness mode (c from `w.oracle([x, ρ], [y])`). */
export function commitCircuit(w?: CommitWitness, extraRows = 8): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: w !== undefined });
  const yv = w && (w.x * w.x) % R;
  const cv = w && w.oracle([w.x, w.rho], [yv!]);
  const y = cs.publicInput('y', yv);
  const c = cs.publicInput('c', cv);
  const x = cs.privateInput('x', w?.x);
  const rho = cs.privateInput('rho', w?.rho);
  const rho1 = cs.hint('rho1', () => w!.rho);
  cs.assertR1(rho, cs.one, rho1, 'blind');
  cs.assertR1(x, x, y, 'square');
  const u = cs.hint('u', () => inv(cv! - w!.x));
  cs.assertR1(u, c.sub(x), cs.one, 'uses c');
  let acc = x;
  for (let i = 0; i < extraRows; i++) acc = cs.mul(acc, u, `p${i}`);
  return cs;
}

/** Known secrets of the insecure local ptau (the zero-knowledge test needs τ, α, β). */
export const SECRETS = { tau: 0x1234_5678_9abc_def0_1357n, alpha: 0x2468_ace0_1111n, beta: 0xfeed_beef_0042n };

export interface CommitKeys {
  r1csPath: string;
  ptauPath: string;
  zkeyPath: string;
  vkey: SnarkjsVkey;
  keyHash: string;
  power: number;
}

/** r1cs, a ptau of known secrets (power 6), a contributed key with the commitment, its vkey and hash. */
export async function commitKeys(dir: string, name = 'commit'): Promise<CommitKeys> {
  mkdirSync(dir, { recursive: true });
  const shape = commitCircuit();
  const power = Math.max(6, requiredPtauPower(shape.nConstraints, shape.nPublic));
  const ptauPath = join(dir, `${name}.ptau`);
  await writePtauWithSecrets(ptauPath, power, SECRETS);
  const { r1csPath, zkeyPath, vkey } = await setupCircuit(shape, { dir, name, ptau: ptauPath, commitment: COMMIT_SPEC });
  return { r1csPath, ptauPath, zkeyPath, vkey, keyHash: vkeyHash(parseVerificationKey(vkey)), power };
}
