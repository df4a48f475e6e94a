import { DEFAULT_CLAMP_BITS } from './clamp-table.ts';
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
 * setup, prover and verifiers implement (docs/lookups-design.md "The commitment"). `clampBits`
 * W gives every LogUp circuit a clamp table of 2^W pairs for int8 saturation (clamp-table.ts,
 * docs/decisions.md 32); absent, saturation uses flags as in plain circuits.
 */
export type RangeBackend = { kind: 'plain' } | { kind: 'logup'; limbBits: number; clampBits?: number };

export const PLAIN_RANGES: RangeBackend = { kind: 'plain' };

/** Limbs of `logup` without a width: the cost model's choice at T = 32 for both models we ship (docs/decisions.md 18). */
export const DEFAULT_LOGUP_LIMB_BITS = 8;

/**
 * The one place the default is chosen: LogUp with 8-bit limbs, which proves faster than plain
 * on every model we measure (docs/decisions.md 28). Its proofs carry a BSB22 commitment that
 * only the native prover computes, so `zkinfer compile` builds plain circuits instead where
 * the native prover cannot run (cli/commands/compile.ts).
 */
export const DEFAULT_RANGE_BACKEND: RangeBackend = { kind: 'logup', limbBits: DEFAULT_LOGUP_LIMB_BITS, clampBits: DEFAULT_CLAMP_BITS };

/** The `ranges` option of a ConstraintSystem for `backend` (undefined: the system's plain default). */
export function rangesFactory(backend: RangeBackend, oracle?: ChallengeOracle): ((cs: ConstraintSystem) => RangeChecks) | undefined {
  if (backend.kind === 'plain') return undefined;
  return (cs) => new LogUpRanges(cs, { limbBits: backend.limbBits, clampBits: backend.clampBits, oracle });
}

/** Rows the backend adds once per circuit (the chunk planner charges them to every chunk). */
export function fixedRangeRows(backend: RangeBackend): number {
  return backend.kind === 'plain' ? 0 : logUpFixedRows(backend.limbBits, backend.clampBits);
}

/** Rows of one k-bit range check made outside a planned stage (the chunk overhead's checks). */
export type CheckRows = (bits: number, soleWire?: boolean) => number;

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
  return { rangeFixedRows, rangeCheckRows: (bits, soleWire) => logUpCheckRows(bits, b, soleWire) };
}

/** A short name for logs and cost keys: `plain`, `logup8` (no clamp table) or `logup8c10` (a clamp table of 2^10). */
export function rangeBackendName(backend: RangeBackend): string {
  if (backend.kind === 'plain') return 'plain';
  return `logup${backend.limbBits}${backend.clampBits === undefined ? '' : `c${backend.clampBits}`}`;
}

/**
 * `plain`, `logup`, `logup:B` or `logup:B:W` as a backend: B the limb width (2..20, default 8),
 * W the clamp table's (8..16, default 10; 0 for none). RangeError otherwise.
 */
export function parseRangeBackend(text: string): RangeBackend {
  if (text === 'plain') return PLAIN_RANGES;
  const m = /^logup(?::(\d+)(?::(\d+))?)?$/.exec(text);
  const b = m?.[1] === undefined ? DEFAULT_LOGUP_LIMB_BITS : Number(m[1]);
  const w = m?.[2] === undefined ? DEFAULT_CLAMP_BITS : Number(m[2]);
  if (!m || b < 2 || b > 20 || (w !== 0 && (w < 8 || w > 16))) {
    throw new RangeError(`ranges ${text}: expected plain, logup, logup:B or logup:B:W with B in 2..20 and W 0 or in 8..16`);
  }
  return w === 0 ? { kind: 'logup', limbBits: b } : { kind: 'logup', limbBits: b, clampBits: w };
}
