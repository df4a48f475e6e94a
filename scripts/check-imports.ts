/**
 * The import-graph rules of docs/architecture.md, checked over the source tree:
 * `npx node scripts/check-imports.ts` (part of `npm test`). Exits 1 and names each break.
 *
 * 1. No folder cycles. Every directory of product code is a node; a file in folder A that
 *    imports a file in folder B (B ≠ A, parent and child folders included) is an edge A → B.
 *    A strongly connected component of more than one folder is a cycle: following the data
 *    path through the code would climb back up a layer. A folder's `index.ts` is a node of
 *    its own, the entry that composes the folder (api/src/index.ts mounts api/src/routes,
 *    whose handlers use api/src's modules); anything that imports that entry back still
 *    closes a cycle.
 * 2. No part reaches into another part by relative path. The parts are prover/, verifier/,
 *    api/ and widget/; a part uses another by package name (`@zkinfer/verifier`). The only
 *    exception is api/ → widget/dist/, a generated build artefact, not source.
 * 3. verifier/ depends on nothing but @noble/curves and @noble/hashes (it runs in Workers and
 *    browsers; no snarkjs, no Node built-ins).
 * 4. test/, bench/ and scripts/ import prover/src and verifier/src by package name
 *    (`@zkinfer/prover/…`, `@zkinfer/verifier`), not by relative path:
 *    scripts/codemod-package-imports.ts rewrites them.
 *
 * Imports are found with a regular expression over `from '…'`, `import '…'` and `import('…')`
 * specifiers: the repo's TypeScript uses static string specifiers only, and a missed import
 * could only hide an edge, which the resolution check below would flag as unresolvable.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));
const PARTS = ['prover', 'verifier', 'api', 'widget'];
/** Folders of product code whose graph must be acyclic. */
const ROOTS = ['prover/src', 'prover/bin', 'verifier/src', 'api/src', 'widget/src'];
const VERIFIER_DEPS = ['@noble/curves', '@noble/hashes'];
/** Tests, benchmarks and repo scripts: they use the workspace packages by name too (rule 4). */
export const SCRIPT_ROOTS = ['test', 'bench', 'scripts'];
/** The workspace packages' sources, reached only by package name from outside their part. */
const PACKAGE_SOURCES = ['prover/src/', 'verifier/src/'];

export interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
}

export function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : tsFiles(p);
    return e.isFile() && /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

export function specifiers(source: string): string[] {
  // Drop comments first so that an example in a doc comment is not an import.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(SPECIFIER)].map((m) => m[1]!);
}

const repoPath = (abs: string): string => relative(REPO, abs).split('\\').join('/');
const partOf = (path: string): string | undefined => PARTS.find((p) => path === p || path.startsWith(`${p}/`));

/** Every import of the product code, resolved to repo-relative paths (`to` is the specifier for packages). */
export function importEdges(): { edges: ImportEdge[]; problems: string[] } {
  const edges: ImportEdge[] = [];
  const problems: string[] = [];
  for (const root of ROOTS) {
    for (const file of tsFiles(join(REPO, root))) {
      const from = repoPath(file);
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) {
          edges.push({ from, to: specifier, specifier });
          continue;
        }
        const target = resolve(dirname(file), specifier);
        if (!existsSync(target)) problems.push(`${from}: cannot resolve '${specifier}'`);
        edges.push({ from, to: repoPath(target), specifier });
      }
    }
  }
  return { edges, problems };
}

/** The folder-graph node of a file: its directory, or the file itself for an entry `index.ts`. */
function folderNode(path: string): string {
  return path.endsWith('/index.ts') ? path : dirname(path);
}

/** Strongly connected components (Tarjan) of size > 1 of a directed graph. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

export function checkImports(): string[] {
  const { edges, problems } = importEdges();
  const graph = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const e of edges) {
    const fromPart = partOf(e.from)!;
    if (!e.specifier.startsWith('.')) {
      if (fromPart === 'verifier' && !VERIFIER_DEPS.some((d) => e.to === d || e.to.startsWith(`${d}/`))) {
        problems.push(`${e.from}: verifier/ may import only ${VERIFIER_DEPS.join(', ')}, not '${e.to}'`);
      }
      continue;
    }
    const toPart = partOf(e.to);
    if (toPart !== fromPart && !(fromPart === 'api' && e.to.startsWith('widget/dist/'))) {
      problems.push(`${e.from}: imports '${e.specifier}' across parts by relative path; use the package name`);
      continue;
    }
    const a = folderNode(e.from);
    const b = folderNode(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    if (!why.has(`${a}>${b}`)) why.set(`${a}>${b}`, `${e.from} → ${e.to}`);
  }
  for (const root of SCRIPT_ROOTS) {
    for (const file of tsFiles(join(REPO, root))) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = repoPath(resolve(dirname(file), specifier));
        if (PACKAGE_SOURCES.some((p) => target.startsWith(p))) {
          problems.push(`${repoPath(file)}: imports '${specifier}' by relative path; use the package name (npx node scripts/codemod-package-imports.ts)`);
        }
      }
    }
  }
  for (const scc of cycles(graph)) {
    const inside = new Set(scc);
    const witnesses = scc.flatMap((a) => [...(graph.get(a) ?? [])].filter((b) => inside.has(b)).map((b) => `    ${why.get(`${a}>${b}`)}`));
    problems.push(`folder cycle: ${scc.join(', ')}\n${witnesses.join('\n')}`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkImports();
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log('imports: no folder cycles, no cross-part relative imports, tests/benches/scripts use packages by name');
}
