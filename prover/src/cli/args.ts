/**
 * The CLI commands' one argument parser: a declarative table of options (type, default,
 * required, bounds) read with node:util parseArgs, every mistake a UsageError (ZkinferError
 * bad_option, exit 2, printed with the command's usage): an unknown flag, a missing value, a
 * value that is not a number in range or not one of the choices, a flag given twice, a
 * missing required flag, the wrong number of positional arguments. `--help` never reaches a
 * command: cli/main.ts prints the usage first.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './command.ts';

interface Common {
  /** One-letter alias, e.g. `n` for `-n`. */
  short?: string;
  /** A required option; a string replaces the default message "--name is required". */
  required?: true | string;
}

export interface StringOption extends Common {
  type: 'string';
  default?: string;
  /** The only accepted values. */
  choices?: readonly string[];
}

export interface IntegerOption extends Common {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}

export interface BooleanOption {
  type: 'boolean';
  short?: string;
}

export type OptionSpec = StringOption | IntegerOption | BooleanOption;

/** The parsed value of one option: present for a boolean, a default or a required option. */
export type OptionValue<O extends OptionSpec> = O extends BooleanOption
  ? boolean
  : (O extends IntegerOption ? number : string) | (O extends { default: unknown } | { required: true | string } ? never : undefined);

export interface ArgsSpec<O extends Record<string, OptionSpec>> {
  options: O;
  /** Positional arguments: none unless given; `what` names them in the error. */
  positionals?: { min: number; max: number; what: string };
}

export interface ParsedArgs<O extends Record<string, OptionSpec>> {
  values: { [K in keyof O]: OptionValue<O[K]> };
  positionals: string[];
}

const flag = (name: string, spec: OptionSpec): string => (spec.short ? `--${name} (-${spec.short})` : `--${name}`);

export function parseCommandArgs<O extends Record<string, OptionSpec>>(args: readonly string[], spec: ArgsSpec<O>): ParsedArgs<O> {
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(spec.options)) nodeOptions[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: nodeOptions, allowPositionals: spec.positionals !== undefined, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new UsageError(`${flag(t.name, spec.options[t.name])} is given more than once`);
    seen.add(t.name);
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const raw = (parsed.values as Record<string, string | boolean | undefined>)[name];
    if (o.type === 'boolean') {
      values[name] = raw === true;
      continue;
    }
    if (raw === undefined) {
      if (o.required) throw new UsageError(typeof o.required === 'string' ? o.required : `${flag(name, o)} is required`);
      values[name] = o.default;
      continue;
    }
    const text = raw as string;
    if (o.type === 'string') {
      if (o.choices && !o.choices.includes(text)) throw new UsageError(`${flag(name, o)} ${JSON.stringify(text)} is not one of ${o.choices.join(', ')}`);
      values[name] = text;
      continue;
    }
    values[name] = integerOf(flag(name, o), text, o.min, o.max);
  }
  const positionals = parsed.positionals;
  const p = spec.positionals;
  if (p && (positionals.length < p.min || positionals.length > p.max)) {
    const count = p.min === p.max ? `exactly ${p.min === 1 ? 'one' : p.min}` : `${p.min} to ${p.max}`;
    throw new UsageError(`expected ${count} ${p.what}, got ${positionals.length}`);
  }
  return { values: values as ParsedArgs<O>['values'], positionals };
}

/** A decimal integer within [min, max] (either bound optional), else a UsageError naming the flag. */
export function integerOf(flagName: string, text: string, min?: number, max?: number): number {
  const n = Number(text);
  const ok = /^\d+$/.test(text) && Number.isSafeInteger(n) && (min === undefined || n >= min) && (max === undefined || n <= max);
  if (ok) return n;
  const range = min !== undefined && max !== undefined ? ` in ${min}..${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : ' ≥ 0';
  throw new UsageError(`${flagName} ${JSON.stringify(text)} is not an integer${range}`);
}
