/**
 * The seam between a circuit that uses a lookup argument and the proof system that commits to
 * its wires inside the Groth16 proof (issue 16; docs/lookups-design.md "The commitment").
 *
 * A circuit declares at most ONE set J of private wires to commit to (gnark's CVE-2024-45039:
 * with several commitments a prover could choose all but the last after seeing challenges) and
 * one public wire that carries the challenge derived from that commitment. The circuit side
 * (circuit/, the LogUp backend behind `cs.ranges`) produces this description; the proof system
 * (snark/: setup's P_j and σ·P_j points, the prover's D and π, every verifier) consumes it as
 * plain data, so neither depends on the other's code.
 */
export interface CommitmentSpec {
  /**
   * The committed private wires (indices > nPublic), strictly increasing. Always includes the
   * circuit's blinding wire (fresh uniform value per proof, constrained so its point is not the
   * identity: CVE-2024-45040, the commitment must be hiding).
   */
  readonly wires: readonly number[];
  /** The public wire (1 … nPublic) whose value is the challenge. The verifier computes it; a bundle never carries it. */
  readonly challengeWire: number;
}

/**
 * Witness mode: how a circuit obtains its challenge once every committed and every other
 * public value is known (the LogUp backend calls it once, in `cs.ranges.resolve()`, before it
 * computes the inverses). `committed` is in the order of `spec.wires`; `publics` are the public
 * wires 1 … nPublic in order, the challenge wire's own slot left out. Proving uses the oracle
 * of snark/ (the commitment D under the proving key, hashed with the publics and the key's
 * hash); circuit tests may pass any function, including adversarial ones.
 */
export type ChallengeOracle = (committed: readonly bigint[], publics: readonly bigint[]) => bigint;

/** Checks the shape rules above against a circuit's public count and wire count; throws a RangeError. */
export function assertCommitmentSpec(spec: CommitmentSpec, nPublic: number, nWires: number): void {
  if (!Number.isInteger(spec.challengeWire) || spec.challengeWire < 1 || spec.challengeWire > nPublic) {
    throw new RangeError(`commitment: challenge wire ${spec.challengeWire} is not a public wire (1 … ${nPublic})`);
  }
  if (spec.wires.length === 0) throw new RangeError('commitment: no committed wires (the blinding wire at least)');
  let previous = nPublic;
  for (const w of spec.wires) {
    if (!Number.isInteger(w) || w <= previous || w >= nWires) {
      throw new RangeError(`commitment: committed wires must be private (> ${nPublic}), below ${nWires} and strictly increasing; got ${w} after ${previous}`);
    }
    previous = w;
  }
}
