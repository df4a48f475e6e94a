/** One CLI command: `prover/src/cli/commands/<name>.ts` exports `command` of this shape. */
export interface Command {
  name: string;
  /** One line for `zkinfer help`. */
  summary: string;
  /** Full usage text, printed by `zkinfer <name> --help` and on bad arguments. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for bad command-line usage; main prints the message and the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
