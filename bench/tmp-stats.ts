import { readR1csTerms } from '../prover/src/snark/r1cs-terms.ts';
const r = readR1csTerms(process.argv[2] ?? '/work/cache-setup/sbs/chunk.r1cs');
const lenHist = new Map<string, number>();
const perWire = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
for (let t = 0; t < r.matrix.length; t++) {
  const id = r.coef[t]; const L = r.coefs.length[id];
  const key = `m${r.matrix[t]} len${L}${L === 1 && r.coefs.magnitude[32 * id] === 1 ? '(unit)' : ''}`;
  lenHist.set(key, (lenHist.get(key) ?? 0) + 1);
  perWire[r.matrix[t]].set(r.wire[t], (perWire[r.matrix[t]].get(r.wire[t]) ?? 0) + 1);
}
console.log('coefs distinct', r.coefs.values.length, 'terms', r.matrix.length, 'vars', r.nVars);
console.log([...lenHist].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
for (let m = 0; m < 3; m++) {
  const hist = new Map<number, number>();
  for (const c of perWire[m].values()) { const b = c < 4 ? c : c < 16 ? 4 : c < 64 ? 16 : c < 256 ? 64 : 256; hist.set(b, (hist.get(b) ?? 0) + c); }
  console.log('matrix', m, 'terms by wire count bucket', [...hist].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}+: ${v}`).join(', '));
}
