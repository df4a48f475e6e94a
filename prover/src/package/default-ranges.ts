import { DEFAULT_RANGE_BACKEND, PLAIN_RANGES, type RangeBackend } from '../circuit/range-backend.ts';
import { chosenEngine, type ProverEngine } from '../snark/engine.ts';

/**
 * The range backend a package gets when none is asked for: DEFAULT_RANGE_BACKEND (LogUp) where
 * it can be proven, plain where it cannot. LogUp proofs carry a BSB22 commitment that only the
 * native prover computes, so without one (no C++ compiler at install, or ZKINFER_PROVER=snarkjs)
 * a LogUp package could be compiled but never proven here.
 */
export function defaultRangesFor(engine: ProverEngine = chosenEngine()): RangeBackend {
  return DEFAULT_RANGE_BACKEND.kind === 'plain' || engine === 'native' ? DEFAULT_RANGE_BACKEND : PLAIN_RANGES;
}
