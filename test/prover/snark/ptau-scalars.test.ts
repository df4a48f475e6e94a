import { afterAll, describe, expect, it } from 'vitest';
import { geometric, lagrangeAtTau, rootOfUnity, batchInverse } from '@zkinfer/prover/snark/ptau-scalars.ts';
import { mulGenerator } from '@zkinfer/prover/snark/fixed-base.ts';
import { getCurve, terminateCurve } from '@zkinfer/prover/snark/curve.ts';
import { mul, R } from '@zkinfer/prover/circuit/field.ts';

afterAll(terminateCurve);

describe('ptau scalars and fixed-base multiplication', () => {
  it('roots of unity are ffjavascript’s Fr.w', async () => {
    const curve = await getCurve(true);
    for (const bits of [0, 1, 5, 12, 28]) expect(rootOfUnity(bits)).toBe(BigInt(curve.Fr.toObject(curve.Fr.w[bits])));
    expect(() => rootOfUnity(29)).toThrow(RangeError);
  });

  it('batch inverses are inverses and zero is refused', () => {
    const xs = [1n, 2n, R - 1n, 123456789n];
    batchInverse(xs).forEach((y, i) => expect(mul(xs[i], y)).toBe(1n));
    expect(() => batchInverse([3n, 0n])).toThrow(/element 1/);
  });

  it('L_i(τ)·G1 equals ffjavascript lagrangeEvaluations of the τ-power points (as snarkjs prepare phase2 computes)', async () => {
    const curve = await getCurve(true);
    const G1 = curve.G1;
    const tau = 0x1234567890abcdef1234567890abcdefn;
    for (const [bits, drop] of [[0, false], [2, false], [3, false], [3, true]] as const) {
      const m = 2 ** bits;
      const powers = geometric(1n, tau, m);
      if (drop) powers[m - 1] = 0n; // snarkjs: the top level is prepared from 2m−1 powers and a zero point
      const pts = new Uint8Array(64 * m);
      powers.forEach((p, i) => G1.toRprLEM(pts, 64 * i, G1.timesScalar(G1.g, p)));
      const reference = await G1.lagrangeEvaluations(pts, 'affine', 'affine');
      const ours = await mulGenerator('G1', lagrangeAtTau(tau, bits, drop));
      expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
    }
  });

  it('fixed-base multiplication matches timesScalar in G1 and G2, across chunks and edge scalars', async () => {
    const curve = await getCurve(true);
    const scalars = geometric(7n, 0xfedcba9876543210n, 4100);
    scalars[1] = 0n;
    scalars[2] = 255n;
    scalars[3] = 256n;
    scalars[4] = R - 1n;
    for (const [group, size] of [['G1', 64], ['G2', 128]] as const) {
      const G = curve[group];
      const out = await mulGenerator(group, scalars);
      for (const i of [0, 1, 2, 3, 4, 4095, 4096, 4099]) {
        expect(G.eq(G.fromRprLEM(out, size * i), G.timesScalar(G.g, scalars[i])), `${group} #${i}`).toBe(true);
      }
    }
    await expect(mulGenerator('G1', [-1n])).rejects.toThrow(RangeError);
  });

  it('splitting a large batch over a worker thread gives the same points', async () => {
    const scalars = geometric(3n, 0x1122334455667788n, 1 << 14);
    const one = await mulGenerator('G1', scalars, { threads: 1 });
    const two = await mulGenerator('G1', scalars, { threads: 2 });
    expect(Buffer.from(two).equals(Buffer.from(one))).toBe(true);
  });
});
