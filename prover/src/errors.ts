/**
 * The prover's error model (docs/architecture.md "Errors"). A ZkinferError is a failure the
 * user can act on — a bad model file, a stale package, a bad option, the API refusing — and
 * carries a stable code the CLI maps to an exit code and a one-line message. Anything else
 * that escapes (a TypeError, a RangeError, a failed assertion) is a bug in zkinfer, and the
 * CLI reports it as one, with its stack, instead of blaming the user's input.
 */

export type ZkinferErrorCode =
  /** A command-line option or argument is wrong or missing. */
  | 'bad_option'
  /** A file or value the user gave is malformed: a bundle, an opening, a key, a prompt. */
  | 'bad_input'
  /** The model file cannot be read as a supported model. */
  | 'bad_model_file'
  /** A package directory is missing files or is inconsistent. */
  | 'bad_package'
  /** A package was compiled by other circuit code or from other stages: recompile it. */
  | 'stale_package'
  /** The zkinfer API answered with an error. */
  | 'api_refused'
  /** The zkinfer API could not be reached or did not answer with JSON. */
  | 'api_unreachable';

/** Process exit code per error code: 2 for what the user gave us, 1 for the world refusing. */
export const EXIT_CODE: Readonly<Record<ZkinferErrorCode, number>> = {
  bad_option: 2,
  bad_input: 2,
  bad_model_file: 2,
  bad_package: 2,
  stale_package: 2,
  api_refused: 1,
  api_unreachable: 1,
};

export class ZkinferError extends Error {
  override name = 'ZkinferError';
  readonly code: ZkinferErrorCode;

  constructor(code: ZkinferErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for a ZkinferError with one of `codes` (any code when none are given). */
export function isZkinferError(err: unknown, ...codes: ZkinferErrorCode[]): err is ZkinferError {
  return err instanceof ZkinferError && (codes.length === 0 || codes.includes(err.code));
}
