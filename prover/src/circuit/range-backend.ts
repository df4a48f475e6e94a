import type { ChallengeOracle } from './commitment-spec.ts';
import { LogUpRanges } from './logup-ranges.ts';
import { logUpCheckRows, logUpFixedRows } from './logup-rows.ts';
import type { RangeChecks } from './ranges.ts';
import type { ConstraintSystem } from './system.ts';

/**
 * Which range-check backend a circuit is built with (docs/decisions.md 14 and 16): `plain`,
 * today's bit decomposition and split mux (circuits byte for byte as before the seam, provable
 * by any Groth16 tool), or `logup`, the log-derivative argument over a table of 2^limbBits
 * (circuit/logup-ranges.ts), whose circuits need the commitment inside the proof (BSB22) that
 * setup, prover and verifiers implement (docs/lookups-design.md "The commitment").
 */
export type RangeBackend = { kind: 'plain' } | { kind: 'logup'; limbBits: number };

export const PLAIN_RANGES: RangeBackend = { kind: 'plain' };

/** Limbs of `logup` without a width: the cost model's choice at T = 32 for both models we ship (docs/decisions.md 18). */
export const DEFAULT_LOGUP_LIMB_BITS = 8;

/**
 * The one place the default is chosen: LogUp with 8-bit limbs, which proves faster than plain
 * on every model we measure (docs/decisions.md 28). Its proofs carry a BSB22 commitment that
 * only the native prover computes, so `zkinfer compile` builds plain circuits instead where
 * the native prover cannot run (cli/commands/compile.ts).
 */
export const DEFAULT_RANGE_BACKEND: RangeBackend = { kind: 'logup', limbBits: DEFAULT_LOGUP_LIMB_BITS };

/** The `ranges` option of a ConstraintSystem for `backend` (undefined: the system's plain default). */
export function rangesFactory(backend: RangeBackend, oracle?: ChallengeOracle): ((cs: ConstraintSystem) => RangeChecks) | undefined {
  if (backend.kind === 'plain') return undefined;
  return (cs) => new LogUpRanges(cs, { limbBits: backend.limbBits, oracle });
}

/** Rows the backend adds once per circuit (the chunk planner charges them to every chunk). */
export function fixedRangeRows(backend: RangeBackend): number {
  return backend.kind === 'plain' ? 0 : logUpFixedRows(backend.limbBits);
}

/** Rows of one k-bit range check made outside a planned stage (the chunk overhead's checks). */
export type CheckRows = (bits: number) => number;

/** A k-bit check by bit decomposition: k rows (the plain backend). */
export const decompositionRows: CheckRows = (bits) => bits;

/**
 * What the chunk planner needs to know of a backend (chunks/plan.ts PlanOptions): the rows it adds
 * once per circuit, and the rows of one `check` in the overhead gadgets (boundary openings, the
 * prompt's tokens). LogUp's count is logup-rows.ts's, the one `LogUpRanges` charges itself, so the
 * planned chunk equals the built one (test/prover/chunks/plan-exact.test.ts).
 */
export function rangePlanOptions(backend: RangeBackend): { rangeFixedRows: number; rangeCheckRows: CheckRows } {
  const rangeFixedRows = fixedRangeRows(backend);
  if (backend.kind === 'plain') return { rangeFixedRows, rangeCheckRows: decompositionRows };
  const b = backend.limbBits;
  return { rangeFixedRows, rangeCheckRows: (bits) => logUpCheckRows(bits, b) };
}

/** A short name for logs and cost keys: `plain` or `logup8`. */
export function rangeBackendName(backend: RangeBackend): string {
  return backend.kind === 'plain' ? 'plain' : `logup${backend.limbBits}`;
}

/** `plain`, `logup` or `logup:B` (B in 2..20) as a backend; RangeError otherwise. */
export function parseRangeBackend(text: string): RangeBackend {
  if (text === 'plain') return PLAIN_RANGES;
  const m = /^logup(?::(\d+))?$/.exec(text);
  const b = m && (m[1] === undefined ? DEFAULT_LOGUP_LIMB_BITS : Number(m[1]));
  if (!m || b === null || b < 2 || b > 20) throw new RangeError(`ranges ${text}: expected plain, logup or logup:B with B in 2..20`);
  return { kind: 'logup', limbBits: b };
}
