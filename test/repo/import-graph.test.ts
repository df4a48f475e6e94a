import { describe, expect, it } from 'vitest';
import { checkImports, cycles, specifiers } from '../../scripts/check-imports.ts';

const graph = (edges: [string, string][]): Map<string, Set<string>> => {
  const g = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (!g.has(a)) g.set(a, new Set());
    g.get(a)!.add(b);
  }
  return g;
};

describe('scripts/check-imports.ts', () => {
  it('finds a folder cycle and only the folders on it', () => {
    const found = cycles(graph([['bundle', 'chunks'], ['chunks', 'commit'], ['commit', 'bundle'], ['bundle', 'snark'], ['snark', 'circuit']]));
    expect(found).toEqual([['bundle', 'chunks', 'commit']]);
  });

  it('finds no cycle in a layered graph', () => {
    expect(cycles(graph([['cli', 'bundle'], ['bundle', 'chunks'], ['chunks', 'circuit'], ['cli', 'circuit']]))).toEqual([]);
  });

  it('reads static, re-export and dynamic specifiers, not ones in comments', () => {
    const src = [
      "import { a } from './a.ts';",
      "export { b } from '../b.ts';",
      "import type { C } from '@zkinfer/verifier';",
      "const d = await import('./d.ts');",
      "// import { e } from './e.ts';",
      "/* import { f } from './f.ts'; */",
    ].join('\n');
    expect(specifiers(src)).toEqual(['./a.ts', '../b.ts', '@zkinfer/verifier', './d.ts']);
  });

  it('the tree has no folder cycles and no cross-part relative imports', () => {
    expect(checkImports()).toEqual([]);
  });
});
