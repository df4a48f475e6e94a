// This process's child processes, read from /proc (Linux, proc(5)): the benches use them to
// find Miniflare's workerd and to add the forked proving workers' memory to peak RSS, the
// prove-pool test to find its workers.
import { readdirSync, readFileSync } from 'node:fs';

export interface ChildProcessInfo {
  pid: number;
  /** The executable's name (stat's comm field). */
  comm: string;
  /** Resident set size in bytes. */
  rss: number;
  /** The command line, arguments joined by spaces. */
  cmdline: string;
}

/** The direct children of this process; empty where there is no /proc. */
export function childProcesses(): ChildProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: ChildProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, fields } = readStat(entry);
      if (Number(fields[1]) !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      children.push({ pid: Number(entry), comm, rss: Number(fields[21]) * 4096, cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/**
 * A process's state letter from /proc/<pid>/stat (proc(5): R running, S sleeping, Z zombie, …),
 * or undefined once it is gone. A killed child stays a zombie (Z) until its parent's event loop reaps it.
 */
export function processState(pid: number): string | undefined {
  try {
    return readStat(String(pid)).fields[0];
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/stat is `pid (comm) state ppid …`; comm may contain spaces, so the fields start after the last ')'. */
function readStat(pid: string): { comm: string; fields: string[] } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), fields: stat.slice(stat.lastIndexOf(')') + 2).split(' ') };
}

/** The processes of process group `pgid` (stat field 5), with their command names. */
export function groupMembers(pgid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, fields } = readStat(entry);
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push({ pid: Number(entry), comm });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** User + system CPU seconds a process has used so far (stat fields 14 and 15, in clock ticks of 100 Hz). */
export function cpuSeconds(pid: number): number {
  const { fields } = readStat(String(pid));
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
