/**
 * argmaxLowest(v) = the smallest index i with v[i] = max(v) (ties go to the lowest index,
 * the greedy-decoding rule of docs/proof-format.md). Circuit: mx ≥ v_j for all j, mx = v_i,
 * and v_j < mx (strictly, i.e. mx − v_j − 1 ≥ 0) for j < i.
 */
export function argmaxLowest(v: ArrayLike<number>): number {
  if (v.length === 0) throw new RangeError('argmaxLowest of an empty vector');
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
