import { ZkinferError } from '../errors.ts';

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

/** Bad command-line usage: a ZkinferError `bad_option`, printed with the command's usage (exit 2). */
export class UsageError extends ZkinferError {
  override name = 'UsageError';

  constructor(message: string) {
    super('bad_option', message);
  }
}
