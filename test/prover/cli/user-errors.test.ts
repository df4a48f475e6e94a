import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '@zkinfer/prover/cli/main.ts';
import { defaultModelPath } from '@zkinfer/prover/model/default-model.ts';

/** A user's mistake is exit 2 and one line on stderr (no stack, not "internal error"). */
async function oneLineRefusal(argv: string[]): Promise<string> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const code = await main(argv);
  const printed = err.mock.calls.map((c) => c.join(' ')).join('\n');
  expect(code, printed).toBe(2);
  expect(printed.split('\n')).toHaveLength(1);
  expect(printed).not.toMatch(/internal error|\n\s+at /);
  return printed;
}

describe('user-facing failures are ZkinferErrors: exit 2, one line', () => {
  afterEach(() => vi.restoreAllMocks());
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-user-errors-'));

  it.skipIf(!defaultModelPath())('a prompt character outside the byte vocabulary (zkinfer run)', async () => {
    expect(await oneLineRefusal(['run', '--prompt', 'café', '-n', '1'])).toMatch(/^zkinfer run: byte tokenizer: "é" .* is outside this model's \d+-entry byte vocabulary/);
  });

  it('a contract file that export-solidity did not write (zkinfer chain deploy)', async () => {
    const sol = join(dir, 'other.sol');
    writeFileSync(sol, 'contract Other {}\n');
    expect(await oneLineRefusal(['chain', 'deploy', '--chain', join(dir, 'chain.json'), '--contract', sol])).toBe(`zkinfer chain: ${sol}: not a file written by zkinfer export-solidity`);
  });

  it('a chain file of another kind (zkinfer chain receipts)', async () => {
    const chain = join(dir, 'not-a-chain.json');
    writeFileSync(chain, JSON.stringify({ version: 2 }));
    expect(await oneLineRefusal(['chain', 'receipts', '--chain', chain])).toBe(`zkinfer chain: ${chain}: not a zkinfer local chain file`);
  });

  it('a --ptau file that is not a ptau (preparedPtau, as zkinfer compile --ptau reads it)', async () => {
    const { preparedPtau } = await import('@zkinfer/prover/snark/ptau.ts');
    const bogus = join(dir, 'bogus.ptau');
    writeFileSync(bogus, 'not a ptau at all');
    await expect(preparedPtau({ ptau: bogus, power: 4 })).rejects.toMatchObject({ name: 'ZkinferError', code: 'bad_input' });
  });
});
