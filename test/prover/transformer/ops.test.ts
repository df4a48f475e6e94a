import { describe, expect, it } from 'vitest';
import { softmaxFixed } from '../../../prover/src/arith/softmax.ts';
import { findUnsatisfied } from '../../../prover/src/circuit/check.ts';
import { toSigned } from '../../../prover/src/circuit/field.ts';
import { ConstraintSystem } from '../../../prover/src/circuit/system.ts';
import { oneHot } from '../../../prover/src/circuit/transformer/embed.ts';
import { softmax } from '../../../prover/src/circuit/transformer/softmax.ts';
import { tamper, wiresNamed } from './helpers.ts';

/** Scores within [−2^14, 2^14] (as from int8 q·k over a small head). */
const SCORE_BOUNDS = { min: -(1n << 14n), max: 1n << 14n };

function softmaxCircuit(scores: number[], m: number, sh: number) {
  const cs = new ConstraintSystem({ witness: true });
  const wires = scores.map((s, i) => cs.privateInput(`s${i}`, BigInt(s)));
  const r = softmax(cs, wires, SCORE_BOUNDS, m, sh);
  return { cs, r, p: r.p.map((p) => Number(toSigned(cs.valueOf(p)))) };
}

describe('softmax op (arith/softmax.ts softmaxFixed)', () => {
  const cases: [number[], number, number][] = [
    [[5], 40000, 20],
    [[100, -3000, 2500, 2500, 16384], 40000, 20],
    [[-16384, 16384, 0, 7], 52000, 16], // saturates x for the far scores: e = 0
    [[3, 3, 3], 1, 0],
  ];
  for (const [scores, m, sh] of cases) {
    it(`equals softmaxFixed on [${scores}] (m ${m}, s ${sh}) and is satisfied`, () => {
      const { cs, p } = softmaxCircuit(scores, m, sh);
      expect(findUnsatisfied(cs)).toBeNull();
      expect(p).toEqual(softmaxFixed(scores, m, sh));
    });
  }

  it('rejects a tampered max, exp input, exp, reciprocal or probability', () => {
    const { cs } = softmaxCircuit([100, -3000, 2500, 2400, 16000], 40000, 20);
    for (const re of [/maximum\/max$/, /e\d+\/rshift\/q$/, /expNeg\/.*requant\/q$/, /reciprocal\/q$/, /p\d+\/rshift\/q$/, /p\d+\/er$/]) {
      const ws = wiresNamed(cs, re);
      expect(ws.length, String(re)).toBeGreaterThan(0);
      for (const w of ws.slice(0, 3)) {
        expect(tamper(cs, w, 1n), `${re} wire ${cs.wireNames[w]}`).not.toBeNull();
        expect(tamper(cs, w, -1n), `${re} wire ${cs.wireNames[w]}`).not.toBeNull();
      }
    }
  });
});

describe('one-hot token (embedding selector)', () => {
  function build(token: number, V: number) {
    const cs = new ConstraintSystem({ witness: true });
    const t = cs.privateInput('token', BigInt(token));
    const o = oneHot(cs, t, V);
    return { cs, o };
  }

  it('selects the token with V + 2 constraints', () => {
    const { cs, o } = build(5, 9);
    expect(findUnsatisfied(cs)).toBeNull();
    expect(cs.nConstraints).toBe(11);
    expect(o.map((b) => cs.valueOf(b))).toEqual([0n, 0n, 0n, 0n, 0n, 1n, 0n, 0n, 0n]);
  });

  it('is unsatisfiable for a token outside the vocabulary', () => {
    expect(findUnsatisfied(build(9, 9).cs)).not.toBeNull();
  });

  it('rejects a moved or doubled selection bit', () => {
    const { cs, o } = build(5, 9);
    const values = [...cs.values];
    values[o[5].variable!] = 0n;
    values[o[4].variable!] = 1n; // Σ = 1 still holds, t = Σ v·o_v does not
    expect(findUnsatisfied(cs, values)?.label).toMatch(/token/);
    expect(tamper(cs, o[2].variable!, 1n)).not.toBeNull(); // two-hot
  });
});
