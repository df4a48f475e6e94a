/**
 * Rewrites relative imports of a workspace package's sources in test/, bench/ and scripts/ to
 * the package's name (docs/architecture.md: no file imports another package's src/ by
 * relative path):
 *   '../../prover/src/cli/main.ts'        → '@zkinfer/prover/cli/main.ts'   (prover/package.json "./*")
 *   '../../verifier/src/index.ts'         → '@zkinfer/verifier'
 *   '../../verifier/src/miller-loop.ts'   → '@zkinfer/verifier/internal/miller-loop.ts'
 * Idempotent: a rewritten specifier is no longer relative, so a second run changes nothing
 * (safe to rerun after merging branches that add tests). scripts/check-imports.ts refuses any
 * such relative import that is left.
 * Run: npx node scripts/codemod-package-imports.ts [--check]   (--check: list, write nothing; exit 1 if any)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO, SCRIPT_ROOTS, tsFiles } from './check-imports.ts';

/** Static `from '…'`, side-effect `import '…'` and dynamic `import('…')` specifiers that start with a dot. */
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+)\2/g;

/** The package-name specifier for a repo path inside a workspace's src/, or undefined. */
export function packageSpecifier(repoPath: string): string | undefined {
  if (repoPath.startsWith('prover/src/')) return `@zkinfer/prover/${repoPath.slice('prover/src/'.length)}`;
  if (repoPath === 'verifier/src/index.ts') return '@zkinfer/verifier';
  if (repoPath.startsWith('verifier/src/')) return `@zkinfer/verifier/internal/${repoPath.slice('verifier/src/'.length)}`;
  return undefined;
}

/** `source` of the file at `file` (absolute) with its relative package imports renamed, and how many. */
export function rewriteImports(file: string, source: string): { source: string; count: number } {
  let count = 0;
  const out = source.replace(RELATIVE_SPECIFIER, (whole, lead: string, quote: string, spec: string) => {
    const target = relative(REPO, resolve(dirname(file), spec)).split('\\').join('/');
    const named = packageSpecifier(target);
    if (named === undefined) return whole;
    count++;
    return `${lead}${quote}${named}${quote}`;
  });
  return { source: out, count };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let files = 0;
  let total = 0;
  for (const root of SCRIPT_ROOTS) {
    for (const file of tsFiles(join(REPO, root))) {
      const before = readFileSync(file, 'utf8');
      const { source, count } = rewriteImports(file, before);
      if (count === 0) continue;
      files++;
      total += count;
      if (check) console.log(`${relative(REPO, file)}: ${count} relative import(s) of a package's src/`);
      else writeFileSync(file, source);
    }
  }
  console.log(`${check ? 'would rewrite' : 'rewrote'} ${total} import(s) in ${files} file(s)`);
  if (check && total > 0) process.exit(1);
}
