/**
 * `node scripts/lib/group-guard.ts CMD ARGS…`: runs CMD as the child of a process-group
 * leader (this process, spawned detached by scripts/lib/local-api.ts) and makes sure the
 * whole group ends with it, whichever way the stack ends:
 * - CMD exits (crash, `kill -9` of wrangler): what it left in the group (workerd, which
 *   wrangler starts below itself and which would keep the port) is killed, and the guard
 *   exits with CMD's code or signal number (128 + n);
 * - the parent dies, even by SIGKILL (no handler of its own can run then): the guard's stdin
 *   is a pipe from the parent and reads EOF, so the guard ends the group;
 * - the parent stops the group (SIGTERM to −pgid, SIGKILL after a grace period): as before.
 * CMD's stdout and stderr are the guard's own (pipes to the parent).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: group-guard.ts CMD [ARGS…]');
  process.exit(2);
}

/** PIDs of the other processes in this process group (stat field 5, proc(5)). */
function groupMembers(): number[] {
  const pgid = process.pid;
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
      if (Number(fields[2]) === pgid) out.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function signalGroup(sig: NodeJS.Signals): void {
  for (const pid of groupMembers()) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let ending = false;

/** SIGTERM to the rest of the group, SIGKILL after `graceMs`, then exit with `code`. */
function endGroup(code: number, graceMs: number): void {
  if (ending) return;
  ending = true;
  signalGroup('SIGTERM');
  setTimeout(() => {
    signalGroup('SIGKILL');
    process.exit(code);
  }, graceMs).unref();
  if (graceMs === 0) return;
  // Exit as soon as the group is empty.
  const poll = setInterval(() => {
    if (groupMembers().length === 0) {
      clearInterval(poll);
      process.exit(code);
    }
  }, 100);
}

child.on('exit', (code, signal) => {
  // CMD is gone; whatever it started in the group goes too, at once.
  ending = true;
  signalGroup('SIGKILL');
  process.exit(code ?? 128 + (signal ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 }) as Record<string, number>)[signal] ?? 1 : 1));
});
child.on('error', (err) => {
  console.error(`group-guard: cannot start ${cmd}: ${err.message}`);
  endGroup(127, 0);
});

// The parent's end of our stdin closes when it exits, however it exits.
process.stdin.on('end', () => endGroup(129, 3000));
process.stdin.on('error', () => endGroup(129, 3000));
process.stdin.resume();
// A group-wide SIGTERM (stopGroup) reaches CMD too; wait for it to exit (above) instead of dying first.
process.on('SIGTERM', () => endGroup(143, 5000));
process.on('SIGINT', () => endGroup(130, 5000));
