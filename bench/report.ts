import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

/**
 * Replaces (or appends) one benchmark's section of BENCHMARKS.md, so that several bench
 * scripts share the file: the section sits between `<!-- bench:NAME -->` and
 * `<!-- /bench:NAME -->`. `markdown` should start with a `## ` heading and name the command
 * that reproduces it.
 */
export function writeBenchSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = existsSync(BENCHMARKS)
    ? readFileSync(BENCHMARKS, 'utf8')
    : '# Benchmarks\n\nMeasured on the project machine (2 cores, 24 GiB, no GPU) unless a section says otherwise.\nEach section names the command that reproduces it.\n';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS, text);
}

/** A markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Machine line for a benchmark section. */
export function machineLine(): string {
  return `Node ${process.version}, ${process.arch}, ${(cpuSummary())}`;
}

function cpuSummary(): string {
  // os is imported lazily to keep this module cheap for scripts that only write tables.
  const os = process.getBuiltinModule('node:os');
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
