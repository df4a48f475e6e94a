import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** Runs the CLI; returns the exit code (0 ok, 1 a negative result such as an invalid proof, 2 bad input). */
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
    if (err instanceof UsageError) {
      console.error(`zkinfer ${name}: ${err.message}\n\n${cmd.usage}`);
      return 2;
    }
    if (err instanceof TypeError || err instanceof RangeError) {
      console.error(`zkinfer ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof Error && process.env.ZKINFER_DEBUG !== '1') {
      console.error(`zkinfer ${name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
