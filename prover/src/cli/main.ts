import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VerifyInputError } from '@zkinfer/verifier';
import { EXIT_CODE, ZkinferError } from '../errors.ts';
import { SnarkError } from '../snark/errors.ts';
import { UsageError, type Command } from './command.ts';

// Commands are discovered from ./commands so that each lives in its own file.
const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!commandNames().includes(name)) return undefined;
  const mod = (await import(`./commands/${name}.ts`)) as { command: Command };
  return mod.command;
}

async function printHelp(): Promise<void> {
  const lines = ['usage: zkinfer <command> [options]', '', 'commands:'];
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    if (cmd) lines.push(`  ${name.padEnd(16)} ${cmd.summary}`);
  }
  lines.push('', 'Run `zkinfer <command> --help` for the options of one command.');
  console.log(lines.join('\n'));
}

/** Exit code of an error that is a bug in zkinfer (sysexits EX_SOFTWARE). */
export const BUG_EXIT_CODE = 70;

/**
 * Reports an error that escaped a command (docs/architecture.md "Errors") and returns the exit
 * code: a ZkinferError by its code, in one line (with the usage for a bad option); the
 * strict verifier's refusal of an input file, the API's refusal, snarkjs's failure and an
 * operating-system error (a missing or unwritable file) in one line too. Anything else is a
 * bug: it is printed as one, with its stack.
 */
export function reportError(name: string, cmd: Command, err: unknown): number {
  if (err instanceof UsageError) {
    console.error(`zkinfer ${name}: ${err.message}\n\n${cmd.usage}`);
    return EXIT_CODE[err.code];
  }
  if (err instanceof ZkinferError) {
    console.error(`zkinfer ${name}: ${err.message}`);
    return EXIT_CODE[err.code];
  }
  if (err instanceof VerifyInputError) {
    console.error(`zkinfer ${name}: ${err.message}`);
    return EXIT_CODE.bad_input;
  }
  const sys = err as NodeJS.ErrnoException;
  if (err instanceof SnarkError || (err instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string')) {
    console.error(`zkinfer ${name}: ${err.message}`);
    return 1;
  }
  const stack = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  console.error(`zkinfer ${name}: internal error — this is a bug in zkinfer, not in your input; please report it with this output:\n${stack}`);
  return BUG_EXIT_CODE;
}

/** Runs the CLI; returns the exit code (0 ok, 1 a negative result or refusal, 2 bad input, 70 a bug). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    await printHelp();
    return name === undefined ? 2 : 0;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    console.error(`zkinfer: unknown command ${JSON.stringify(name)}; run \`zkinfer help\``);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    return reportError(name, cmd, err);
  }
}
