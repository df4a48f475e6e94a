/**
 * A failure reported by snarkjs. snarkjs signals many failures by logging an error and
 * returning false or -1; every wrapper in prover/src/snark turns those into this error,
 * with the logged lines as the message, so no failure is a silent `false`.
 */
export class SnarkError extends Error {
  override name = 'SnarkError';
}

/** A snarkjs-compatible logger that records what snarkjs says instead of printing it. */
export interface CapturingLogger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  log(msg: string): void;
  /** Error and warning lines so far. */
  readonly problems: string[];
}

/** `onInfo` receives info lines (progress), e.g. to forward to stderr. */
export function capturingLogger(onInfo?: (msg: string) => void): CapturingLogger {
  const problems: string[] = [];
  return {
    problems,
    error: (m) => void problems.push(String(m)),
    warn: (m) => void problems.push(String(m)),
    info: (m) => onInfo?.(String(m)),
    debug: () => {},
    log: (m) => onInfo?.(String(m)),
  };
}

/**
 * Runs one snarkjs operation with a capturing logger and throws a SnarkError naming `what`
 * when it throws, or when `failed(result)` says its return value means failure.
 */
export async function runSnark<T>(
  what: string,
  op: (logger: CapturingLogger) => Promise<T>,
  failed: (result: T) => boolean = () => false,
  onInfo?: (msg: string) => void,
): Promise<T> {
  const logger = capturingLogger(onInfo);
  let result: T;
  try {
    result = await op(logger);
  } catch (err) {
    if (err instanceof SnarkError) throw err;
    const detail = [err instanceof Error ? err.message : String(err), ...logger.problems].join('; ');
    throw new SnarkError(`${what}: ${detail}`, { cause: err });
  }
  if (failed(result)) {
    throw new SnarkError(`${what} failed${logger.problems.length ? `: ${logger.problems.join('; ')}` : ''}`);
  }
  return result;
}
