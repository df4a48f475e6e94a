import { afterEach, describe, expect, it, vi } from 'vitest';
import { integerOf, parseCommandArgs } from '@zkinfer/prover/cli/args.ts';
import { UsageError } from '@zkinfer/prover/cli/command.ts';
import { main } from '@zkinfer/prover/cli/main.ts';

const SPEC = {
  options: {
    ctx: { type: 'integer', required: true, min: 2 },
    tokens: { type: 'integer', short: 'n', default: 32, min: 0 },
    layout: { type: 'string', default: 'positions', choices: ['positions', 'layers'] },
    name: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 1, what: 'proof bundle file' },
} as const;

const refusal = (args: string[]): UsageError => {
  try {
    parseCommandArgs(args, SPEC);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('bad_option');
    return err as UsageError;
  }
  throw new Error(`accepted ${args.join(' ')}`);
};

describe('parseCommandArgs', () => {
  it('reads typed values, defaults, short flags and positionals', () => {
    expect(parseCommandArgs(['--ctx', '8', '-n', '3', '--json', 'b.json'], SPEC)).toEqual({
      values: { ctx: 8, tokens: 3, layout: 'positions', name: undefined, json: true },
      positionals: ['b.json'],
    });
    expect(parseCommandArgs(['--ctx=16', '--layout', 'layers'], SPEC).values).toMatchObject({ ctx: 16, tokens: 32, layout: 'layers', json: false });
  });

  it('refuses an unknown flag, a missing value and a missing required flag', () => {
    expect(refusal(['--ctx', '8', '--frobnicate']).message).toMatch(/Unknown option '--frobnicate'/);
    expect(refusal(['--ctx']).message).toMatch(/--ctx.*argument missing/);
    expect(refusal(['-n', '3']).message).toBe('--ctx is required');
  });

  it('refuses a bad number, one out of range and a value outside the choices, naming the flag', () => {
    expect(refusal(['--ctx', 'eight']).message).toBe('--ctx "eight" is not an integer ≥ 2');
    expect(refusal(['--ctx', '1']).message).toBe('--ctx "1" is not an integer ≥ 2');
    expect(refusal(['--ctx', '8', '-n', '-1']).message).toMatch(/-n|--tokens/);
    expect(refusal(['--ctx', '8', '-n', '1e3']).message).toBe('--tokens (-n) "1e3" is not an integer ≥ 0');
    expect(refusal(['--ctx', '8', '--layout', 'rows']).message).toBe('--layout "rows" is not one of positions, layers');
    expect(() => integerOf('--chunk-power', '30', 8, 27)).toThrow('--chunk-power "30" is not an integer in 8..27');
  });

  it('refuses a flag given twice (also through its short form) and too many positionals', () => {
    expect(refusal(['--ctx', '8', '--ctx', '9']).message).toBe('--ctx is given more than once');
    expect(refusal(['--ctx', '8', '-n', '1', '--tokens', '2']).message).toBe('--tokens (-n) is given more than once');
    expect(refusal(['--ctx', '8', 'a.json', 'b.json']).message).toBe('expected 0 to 1 proof bundle file, got 2');
  });
});

describe('the commands use it', () => {
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    return { out: () => out.mock.calls.map((c) => c.join(' ')).join('\n'), err: () => err.mock.calls.map((c) => c.join(' ')).join('\n') };
  };

  it('--help prints the usage and exits 0 for every command, without running it', async () => {
    for (const name of ['compile', 'prove', 'run', 'submit', 'register', 'verify', 'open', 'inspect', 'chain', 'export-solidity', 'verify-groth16']) {
      const io = capture();
      expect(await main([name, '--ctx', 'x', '--help'])).toBe(0);
      expect(io.out()).toMatch(new RegExp(`^usage: zkinfer ${name}`));
      vi.restoreAllMocks();
    }
  });

  it('a bad option is one line plus the usage, exit 2', async () => {
    const io = capture();
    expect(await main(['compile', '--ctx', 'two', '--out', '/nonexistent'])).toBe(2);
    expect(io.err()).toMatch(/^zkinfer compile: --ctx "two" is not an integer ≥ 2\n\nusage: zkinfer compile /);
    vi.restoreAllMocks();
    const io2 = capture();
    expect(await main(['prove', '--prompt', 'a', '-n', '2', '-n', '3'])).toBe(2);
    expect(io2.err()).toMatch(/^zkinfer prove: --tokens \(-n\) is given more than once\n/);
    vi.restoreAllMocks();
    const io3 = capture();
    expect(await main(['submit', '--api', 'http://127.0.0.1:1', 'a.json', 'b.json'])).toBe(2);
    expect(io3.err()).toMatch(/^zkinfer submit: expected exactly one proof bundle file, got 2\n/);
  });
});
