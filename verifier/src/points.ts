import { bn254 } from '@noble/curves/bn254.js';
import { VerifyInputError } from './errors.ts';
import { P } from './fields.ts';
import { isInG2Subgroup } from './g2-subgroup.ts';
import { at, readArray, readDecimal } from './json.ts';

/**
 * Strict parsing of snarkjs's projective point JSON (affine with z = 1):
 * G1 `[x, y, "1"]`, G2 `[[x0, x1], [y0, y1], ["1", "0"]]` where an Fp2 element
 * `[c0, c1]` means c0 + c1·u (ffjavascript's order, which is also noble's {c0, c1};
 * EIP-197 call data uses the opposite order, never this JSON).
 */

export type G1Point = InstanceType<typeof bn254.G1.Point>;
export type G2Point = InstanceType<typeof bn254.G2.Point>;
export type Fp2 = G2Point['X'];

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const Fp = bn254.fields.Fp;
const Fp2Field = bn254.fields.Fp2;
// E: y² = x³ + 3 over Fp; E': y² = x³ + 3/(9+u) over Fp2 (the D-type twist, EIP-197).
const B1 = G1.CURVE().b;
const B2 = G2.CURVE().b;

export interface PointOptions {
  /** Accept the point at infinity (only the verification key's IC uses this, see checkKeySafety). */
  allowInfinity?: boolean;
}

function coordinate(value: unknown, path: string): bigint {
  return readDecimal(value, path, P, 'bad_coordinate', 'a base-field coordinate');
}

/** A G1 point. BN254's G1 has cofactor 1, so on the curve means in the prime-order group. */
export function parseG1(value: unknown, path: string, options: PointOptions = {}): G1Point {
  const arr = readArray(value, path, 'bad_point', { exact: 3 });
  const x = coordinate(arr[0], at(path, 0));
  const y = coordinate(arr[1], at(path, 1));
  if (arr[2] === '0' || (x === 0n && y === 0n)) {
    // snarkjs writes infinity as [0, 1, 0]; EIP-197 uses affine (0, 0).
    if (options.allowInfinity && arr[2] === '0' && x === 0n && y === 1n) return G1.ZERO;
    throw new VerifyInputError('point_at_infinity', path, 'point at infinity');
  }
  if (arr[2] !== '1') throw new VerifyInputError('bad_point', at(path, 2), 'projective z must be "1"');
  if (Fp.sqr(y) !== Fp.add(Fp.mul(Fp.sqr(x), x), B1)) {
    throw new VerifyInputError('not_on_curve', path, 'point is not on the BN254 G1 curve y² = x³ + 3');
  }
  return G1.fromAffine({ x, y });
}

function fp2(value: unknown, path: string): Fp2 {
  const arr = readArray(value, path, 'bad_point', { exact: 2 });
  return { c0: coordinate(arr[0], at(path, 0)), c1: coordinate(arr[1], at(path, 1)) };
}

function isFp2(value: unknown, c0: string, c1: string): boolean {
  return Array.isArray(value) && value.length === 2 && value[0] === c0 && value[1] === c1;
}

/**
 * Affine coordinates of G2 points that passed the subgroup check, so that one parse of a
 * document does not check the same point twice (a manifest's chunk keys share β and γ).
 * Create one per parse call: it only ever holds points that passed.
 */
export type G2SubgroupMemo = Set<string>;

/**
 * A G2 point: on the twist and in its order-r subgroup. The twist has a large cofactor, so
 * the subgroup check is essential: a low-order B would let a prover move the pairing
 * product outside the group the Groth16 soundness argument is about.
 */
export function parseG2(value: unknown, path: string, seen?: G2SubgroupMemo): G2Point {
  const arr = readArray(value, path, 'bad_point', { exact: 3 });
  const x = fp2(arr[0], at(path, 0));
  const y = fp2(arr[1], at(path, 1));
  const zero = Fp2Field.is0(x) && Fp2Field.is0(y);
  if (isFp2(arr[2], '0', '0') || zero) throw new VerifyInputError('point_at_infinity', path, 'point at infinity');
  if (!isFp2(arr[2], '1', '0')) throw new VerifyInputError('bad_point', at(path, 2), 'projective z must be ["1","0"]');
  const lhs = Fp2Field.sqr(y);
  const rhs = Fp2Field.add(Fp2Field.mul(Fp2Field.sqr(x), x), B2);
  if (!Fp2Field.eql(lhs, rhs)) {
    throw new VerifyInputError('not_on_curve', path, 'point is not on the BN254 G2 twist y² = x³ + 3/(9+u)');
  }
  const point = G2.fromAffine({ x, y });
  const key = `${x.c0},${x.c1},${y.c0},${y.c1}`;
  if (seen?.has(key)) return point;
  // [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q) (eprint 2022/348): a 63-bit multiplication, half
  // the cost of noble's isTorsionFree (ψ(Q) = [6x²]Q); see g2-subgroup.ts.
  if (!isInG2Subgroup(point)) throw new VerifyInputError('not_in_subgroup', path, 'point is not in the G2 subgroup of order r');
  seen?.add(key);
  return point;
}

/** snarkjs JSON for a G1 point (infinity as ["0","1","0"]). */
export function g1ToJson(point: G1Point): [string, string, string] {
  if (point.is0()) return ['0', '1', '0'];
  const { x, y } = point.toAffine();
  return [x.toString(), y.toString(), '1'];
}

/** snarkjs JSON for a G2 point (infinity as [["0","0"],["1","0"],["0","0"]]). */
export function g2ToJson(point: G2Point): [[string, string], [string, string], [string, string]] {
  if (point.is0()) return [['0', '0'], ['1', '0'], ['0', '0']];
  const { x, y } = point.toAffine();
  return [
    [x.c0.toString(), x.c1.toString()],
    [y.c0.toString(), y.c1.toString()],
    ['1', '0'],
  ];
}
