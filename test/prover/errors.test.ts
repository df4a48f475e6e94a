import { afterEach, describe, expect, it, vi } from 'vitest';
import { VerifyInputError } from '@zkinfer/verifier';
import { EXIT_CODE, ZkinferError } from '@zkinfer/prover/errors.ts';
import { BUG_EXIT_CODE, reportError } from '@zkinfer/prover/cli/main.ts';
import { UsageError, type Command } from '@zkinfer/prover/cli/command.ts';

const cmd: Command = { name: 'x', summary: 's', usage: 'usage: zkinfer x', run: async () => 0 };

describe('CLI error reporting', () => {
  afterEach(() => vi.restoreAllMocks());
  const printed = () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    return () => spy.mock.calls.map((c) => c.join(' ')).join('\n');
  };

  it('a ZkinferError is one line with the exit code of its code; a bad option adds the usage', () => {
    const out = printed();
    expect(reportError('x', cmd, new ZkinferError('stale_package', 'recompile it'))).toBe(EXIT_CODE.stale_package);
    expect(reportError('x', cmd, new ZkinferError('api_refused', 'HTTP 409'))).toBe(1);
    expect(reportError('x', cmd, new UsageError('--api is required'))).toBe(2);
    expect(out()).toBe('zkinfer x: recompile it\nzkinfer x: HTTP 409\nzkinfer x: --api is required\n\nusage: zkinfer x');
  });

  it('a malformed input file refused by the verifier is bad input (exit 2)', () => {
    printed();
    expect(reportError('x', cmd, new VerifyInputError('bad_bundle', 'ctx', 'too large'))).toBe(2);
  });

  it('a TypeError or RangeError is a bug: exit 70 and its stack, not "bad input"', () => {
    const out = printed();
    expect(reportError('x', cmd, new RangeError('index 9 out of range'))).toBe(BUG_EXIT_CODE);
    expect(reportError('x', cmd, new TypeError('undefined is not a function'))).toBe(BUG_EXIT_CODE);
    expect(out()).toMatch(/internal error — this is a bug in zkinfer[\s\S]*RangeError: index 9 out of range\n\s+at /);
  });
});
