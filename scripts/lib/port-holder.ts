/**
 * Which process listens on a local TCP port, read from /proc (Linux, proc(5)): the socket's
 * inode from /proc/net/tcp{,6} (state 0A = LISTEN), then the process whose /proc/<pid>/fd has
 * `socket:[inode]`. So "address in use" can say what holds the port (typically a workerd left
 * behind by a wrangler that was killed) instead of only that it is taken.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  /** The command line, arguments joined by spaces (cut to 160 characters). */
  cmdline: string;
}

/** Inodes of the sockets listening on `port` (any local address); empty without /proc. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1].split(':')[1] === hexPort && f[3] === '0A') inodes.add(f[9]);
    }
  }
  return inodes;
}

/** The processes holding a listening socket on `port` (those whose fds this user can read). */
export function portHolders(port: number): PortHolder[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours
    }
    const holds = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]);
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      // exited meanwhile
    }
    holders.push({ pid: Number(pid), cmdline: cmdline.length > 160 ? `${cmdline.slice(0, 159)}…` : cmdline });
  }
  return holders;
}

/** One line naming what holds the port, e.g. "pid 123 (…/workerd serve …)"; a fallback when /proc says nothing. */
export function describePortHolder(port: number): string {
  const holders = portHolders(port);
  if (holders.length === 0) return 'a process this user cannot see (no /proc entry readable)';
  return holders.map((h) => `pid ${h.pid} (${h.cmdline || 'unknown command'})`).join(', ');
}
