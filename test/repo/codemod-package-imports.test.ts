import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../scripts/check-imports.ts';
import { rewriteImports } from '../../scripts/codemod-package-imports.ts';

describe('scripts/codemod-package-imports.ts', () => {
  const file = join(REPO, 'test/prover/cli/example.test.ts');
  const source = [
    "import { main } from '../../../prover/src/cli/main.ts';",
    "import type { Manifest } from '../../../verifier/src/index.ts';",
    "export { millerLoop } from '../../../verifier/src/miller-loop.ts';",
    "const m = await import('../../../prover/src/model/load.ts');",
    "import { toyModel } from '../../helpers/toy-model.ts';",
    "import { app } from '../../../api/src/index.ts';",
    "const url = new URL('../../../prover/src/bundle/prove-worker.ts', import.meta.url);",
  ].join('\n');

  it("renames relative imports of the workspaces' sources, and only those", () => {
    const { source: out, count } = rewriteImports(file, source);
    expect(count).toBe(4);
    expect(out.split('\n')).toEqual([
      "import { main } from '@zkinfer/prover/cli/main.ts';",
      "import type { Manifest } from '@zkinfer/verifier';",
      "export { millerLoop } from '@zkinfer/verifier/internal/miller-loop.ts';",
      "const m = await import('@zkinfer/prover/model/load.ts');",
      "import { toyModel } from '../../helpers/toy-model.ts';",
      "import { app } from '../../../api/src/index.ts';",
      // A file path for a worker is not an import: it stays a path.
      "const url = new URL('../../../prover/src/bundle/prove-worker.ts', import.meta.url);",
    ]);
  });

  it('is idempotent', () => {
    const once = rewriteImports(file, source).source;
    expect(rewriteImports(file, once)).toEqual({ source: once, count: 0 });
  });
});
