/**
 * A fingerprint of the code that decides a package's circuits: SHA-256 over the sources of
 * prover/src/{arith,chunks,circuit,commit,quant,reference} and verifier/src (the public-signal
 * layout), path by path. `compile` stores it in package.json; `prove` and `npm start` compare it, so a
 * package compiled by another version of those circuits (whose proving keys no longer match
 * the witnesses this code computes) is recompiled or refused with a clear message, instead of
 * failing later as "the assembled bundle does not verify". Conservative by design: any edit
 * in those directories, even a comment, asks for a recompile.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DIRS = ['prover/src/arith', 'prover/src/chunks', 'prover/src/circuit', 'prover/src/commit', 'prover/src/quant', 'prover/src/reference', 'verifier/src'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.isFile() && p.endsWith('.ts') ? [p] : [];
  });
}

let cached: string | undefined;

/** The fingerprint (hex), computed once per process. */
export function circuitCodeFingerprint(): string {
  if (cached === undefined) {
    const h = createHash('sha256');
    const files = DIRS.flatMap((d) => sources(join(REPO, d))).map((p) => relative(REPO, p).split('\\').join('/')).sort();
    for (const f of files) {
      const body = readFileSync(join(REPO, f));
      h.update(`${f}\n${body.length}\n`).update(body);
    }
    cached = h.digest('hex');
  }
  return cached;
}
