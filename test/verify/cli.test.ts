import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { main } from '@zkinfer/prover/cli/main.ts';
import { proofJson, simulateProof, toyKey, vkJson } from './helpers/toy-groth16.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-verify-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { vk, trapdoor } = toyKey(2, 'cli');
function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}
const vkey = file('vk.json', vkJson(vk));
const proof = file('proof.json', proofJson(simulateProof(trapdoor, [3n, 4n])));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const code = await main(['verify-groth16', ...args]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
afterEach(() => vi.restoreAllMocks());

describe('zkinfer verify-groth16', () => {
  it('exit 0 and "valid" for a valid proof', async () => {
    expect(await run('--vkey', vkey, '--proof', proof, '--public', file('pub.json', ['3', '4']))).toMatchObject({ code: 0, out: 'valid' });
  });

  it('exit 1 and "invalid" for a proof of other signals', async () => {
    expect(await run('--vkey', vkey, '--proof', proof, '--public', file('pub2.json', ['3', '5']))).toMatchObject({ code: 1, out: 'invalid' });
    const json = await run('--vkey', vkey, '--proof', proof, '--public', file('pub2.json', ['3', '5']), '--json');
    expect(JSON.parse(json.out)).toEqual({ valid: false });
  });

  it('exit 2 with a one-line coded reason for malformed input', async () => {
    const r = await run('--vkey', vkey, '--proof', proof, '--public', file('pub3.json', ['3', '0x5']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^zkinfer verify-groth16: bad_field_element: public\[1\]: /);
    expect(r.err.split('\n')).toHaveLength(1);
    const j = await run('--vkey', vkey, '--proof', proof, '--public', file('pub4.json', ['3']), '--json');
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toMatchObject({ valid: false, code: 'wrong_signal_count' });
    expect((await run('--vkey', vkey, '--proof', file('bad.json', '{not json'), '--public', file('pub.json', ['3', '4']))).code).toBe(2);
  });

  it('exit 2 for a key without phase-2 contribution, even with a valid (forged) proof', async () => {
    const g2 = bn254.G2.Point.BASE;
    const unsafe = file('unsafe.json', vkJson({ ...vk, gamma: g2, delta: g2 }));
    const r = await run('--vkey', unsafe, '--proof', proof, '--public', file('pub.json', ['3', '4']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unsafe_key/);
  });

  it('exit 2 for missing flags and unreadable files', async () => {
    expect((await run('--vkey', vkey)).code).toBe(2);
    expect((await run('--vkey', vkey, '--proof', join(dir, 'missing.json'), '--public', vkey)).code).toBe(2);
    expect((await run('--vkey', vkey, '--proof', proof, '--public', vkey, '--bogus')).code).toBe(2);
  });
});
