import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import {
  P,
  R,
  VerifyInputError,
  canonicalVkeyJson,
  g2ToJson,
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
} from '@zkinfer/verifier';
import { g2PointOutsideSubgroup, proofJson, simulateProof, timesR, toyKey, vkJson } from './helpers/toy-groth16.ts';

const { vk, trapdoor } = toyKey(2, 'parse');
const proof = simulateProof(trapdoor, [1n, 2n]);

/** Runs `f`, expecting a VerifyInputError with this code whose message starts with `path`. */
function expectRefused(f: () => unknown, code: string, path?: string): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(VerifyInputError);
    expect((err as VerifyInputError).code).toBe(code);
    if (path !== undefined) expect((err as VerifyInputError).path).toBe(path);
    return;
  }
  expect.unreachable(`expected VerifyInputError ${code}`);
}

function withProof(edit: (p: any) => void): Record<string, unknown> {
  const p = proofJson(proof);
  edit(p);
  return p;
}

describe('parseProof', () => {
  it('round-trips a well-formed proof', () => {
    const parsed = parseProof(proofJson(proof));
    expect(parsed.a.equals(proof.a) && parsed.b.equals(proof.b) && parsed.c.equals(proof.c)).toBe(true);
  });

  it.each([
    ['hex', (x: string) => `0x${BigInt(x).toString(16)}`],
    ['leading zero', (x: string) => `0${x}`],
    ['leading whitespace', (x: string) => ` ${x}`],
    ['plus sign', (x: string) => `+${x}`],
    ['exponent', () => '1e3'],
    ['coordinate + p', (x: string) => (BigInt(x) + P).toString()],
    ['empty string', () => ''],
  ])('refuses a non-canonical coordinate: %s', (_, mutate) => {
    expectRefused(() => parseProof(withProof((p) => (p.pi_a[0] = mutate(p.pi_a[0])))), 'bad_coordinate', 'pi_a[0]');
    expectRefused(() => parseProof(withProof((p) => (p.pi_b[1][0] = mutate(p.pi_b[1][0])))), 'bad_coordinate', 'pi_b[1][0]');
  });

  it('refuses JSON numbers for coordinates', () => {
    expectRefused(() => parseProof(withProof((p) => (p.pi_c[1] = 5))), 'bad_coordinate', 'pi_c[1]');
  });

  it('refuses z ≠ 1 and the point at infinity', () => {
    expectRefused(() => parseProof(withProof((p) => (p.pi_a[2] = '2'))), 'bad_point', 'pi_a[2]');
    expectRefused(() => parseProof(withProof((p) => (p.pi_a[2] = '01'))), 'bad_point', 'pi_a[2]');
    expectRefused(() => parseProof(withProof((p) => (p.pi_b[2] = ['1', '1']))), 'bad_point', 'pi_b[2]');
    expectRefused(() => parseProof(withProof((p) => (p.pi_a = ['0', '1', '0']))), 'point_at_infinity', 'pi_a');
    expectRefused(() => parseProof(withProof((p) => (p.pi_c = ['0', '0', '1']))), 'point_at_infinity', 'pi_c');
    expectRefused(() => parseProof(withProof((p) => (p.pi_b = g2ToJson(bn254.G2.Point.ZERO)))), 'point_at_infinity', 'pi_b');
  });

  it('refuses points off the curve', () => {
    expectRefused(() => parseProof(withProof((p) => (p.pi_a[1] = (BigInt(p.pi_a[1]) + 1n).toString()))), 'not_on_curve', 'pi_a');
    expectRefused(() => parseProof(withProof((p) => (p.pi_b[0][1] = (BigInt(p.pi_b[0][1]) + 1n).toString()))), 'not_on_curve', 'pi_b');
  });

  it('refuses a G2 point on the twist but outside the order-r subgroup', () => {
    const bad = g2PointOutsideSubgroup();
    // Independent confirmation that noble's ψ-test is right here: r·Q ≠ O, while r·B = O for a real proof point.
    expect(timesR(bad).is0()).toBe(false);
    expect(timesR(proof.b).is0()).toBe(true);
    expectRefused(() => parseProof(withProof((p) => (p.pi_b = g2ToJson(bad)))), 'not_in_subgroup', 'pi_b');
  });

  it('refuses a G2 point in G1 position and vice versa (swapped points)', () => {
    expectRefused(() => parseProof(withProof((p) => ([p.pi_a, p.pi_b] = [p.pi_b, p.pi_a]))), 'bad_coordinate', 'pi_a[0]');
  });

  it('refuses unknown, missing and mistyped fields', () => {
    expectRefused(() => parseProof(withProof((p) => (p.extra = 1))), 'unknown_field', 'extra');
    expectRefused(() => parseProof(withProof((p) => (p.__proto__x = 1))), 'unknown_field');
    expectRefused(() => parseProof(JSON.parse(`{"__proto__": 1, ${JSON.stringify(proofJson(proof)).slice(1)}`)), 'unknown_field', '__proto__');
    expectRefused(() => parseProof(withProof((p) => delete p.pi_c)), 'missing_field', 'pi_c');
    expectRefused(() => parseProof(withProof((p) => delete p.protocol)), 'missing_field', 'protocol');
    expectRefused(() => parseProof(withProof((p) => (p.protocol = 'plonk'))), 'bad_proof', 'protocol');
    expectRefused(() => parseProof(withProof((p) => (p.curve = 'bls12381'))), 'bad_proof', 'curve');
    expectRefused(() => parseProof(withProof((p) => p.pi_a.push('1'))), 'bad_point', 'pi_a');
    expectRefused(() => parseProof([]), 'bad_proof', '');
    expectRefused(() => parseProof(null), 'bad_proof', '');
  });

  it('names the full field path when given a prefix', () => {
    expectRefused(() => parseProof(withProof((p) => (p.pi_b[1][0] = '00')), 'chunks[2].proof'), 'bad_coordinate', 'chunks[2].proof.pi_b[1][0]');
    try {
      parseProof(withProof((p) => (p.pi_b[1][0] = '00')), 'chunks[2].proof');
    } catch (err) {
      expect((err as Error).message).toMatch(/^chunks\[2\]\.proof\.pi_b\[1\]\[0\]: /);
    }
  });
});

describe('parsePublicSignals', () => {
  it('accepts canonical decimals below r, including 0 and r − 1', () => {
    expect(parsePublicSignals(['0', (R - 1n).toString(), '42'], 3)).toEqual([0n, R - 1n, 42n]);
  });
  it('refuses r, values ≥ r, hex, leading zeros, numbers, negatives', () => {
    for (const bad of [R.toString(), (R + 5n).toString(), '0x2a', '042', '-1', ' 1', '1.0', '']) {
      expectRefused(() => parsePublicSignals(['1', bad], 2), 'bad_field_element', '[1]');
    }
    expectRefused(() => parsePublicSignals(['1', 2], 2), 'bad_field_element', '[1]');
    expectRefused(() => parsePublicSignals(['1', '9'.repeat(100000)], 2), 'bad_field_element', '[1]');
  });
  it('refuses the wrong number of signals', () => {
    expectRefused(() => parsePublicSignals(['1'], 2), 'wrong_signal_count');
    expectRefused(() => parsePublicSignals(['1', '2', '3'], 2), 'wrong_signal_count');
  });
});

describe('parseVerificationKey / canonicalVkeyJson', () => {
  it('accepts and drops vk_alphabeta_12, canonical JSON has the fixed key order', () => {
    const json = vkJson(vk);
    const canonical = canonicalVkeyJson(json);
    const withDerived = { vk_alphabeta_12: [[['1', '2'], ['3', '4'], ['5', '6']], [['7', '8'], ['9', '10'], ['11', '12']]], ...json };
    expect(canonicalVkeyJson(withDerived)).toBe(canonical);
    expect(Object.keys(JSON.parse(canonical))).toEqual([
      'protocol', 'curve', 'nPublic', 'vk_alpha_1', 'vk_beta_2', 'vk_gamma_2', 'vk_delta_2', 'IC',
    ]);
    const reordered = Object.fromEntries(Object.entries(json).reverse());
    expect(canonicalVkeyJson(reordered)).toBe(canonical);
  });
  it('refuses bad key fields with their paths', () => {
    const edit = (f: (k: any) => void) => {
      const k = vkJson(vk);
      f(k);
      return k;
    };
    expectRefused(() => parseVerificationKey(edit((k) => (k.protocol = 'plonk'))), 'bad_vkey', 'protocol');
    expectRefused(() => parseVerificationKey(edit((k) => (k.nPublic = '2'))), 'bad_vkey', 'nPublic');
    expectRefused(() => parseVerificationKey(edit((k) => (k.vk_alphabeta_12 = 'x'))), 'bad_vkey', 'vk_alphabeta_12');
    expectRefused(() => parseVerificationKey(edit((k) => (k.IC[1][0] = `0${k.IC[1][0]}`))), 'bad_coordinate', 'IC[1][0]');
    expectRefused(() => parseVerificationKey(edit((k) => (k.vk_gamma_2 = g2ToJson(g2PointOutsideSubgroup())))), 'not_in_subgroup', 'vk_gamma_2');
    expectRefused(() => parseVerificationKey(edit((k) => (k.vk_delta_2 = g2ToJson(bn254.G2.Point.ZERO)))), 'point_at_infinity', 'vk_delta_2');
    expectRefused(() => parseVerificationKey(edit((k) => (k.extra = true))), 'unknown_field', 'extra');
  });
});
