import { readdirSync, readFileSync } from 'node:fs';

/** `/proc/<pid>/stat`'s fields after the command name (which may hold spaces); fields[0] is the state. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone, or not Linux
  }
}

/**
 * User + system CPU of a process (or, as `<pid>/task/<tid>`, one thread) so far, in ms (Linux:
 * clock ticks of 10 ms). Throws when the process is gone: a service that died mid-run fails the bench.
 */
export function processCpuMs(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * Every local Postgres process's CPU so far, in ms, or undefined when none is visible (a remote
 * server). The postmaster's count of its reaped children keeps backends that have exited, so the
 * difference of two readings is what Postgres spent between them, whichever connections came and
 * went (give or take a backend reaped while /proc is read).
 */
export function postgresCpuMs(): number | undefined {
  let total = 0;
  let seen = false;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'postgres') continue;
    const f = statFields(pid);
    if (!f) continue;
    seen = true;
    // Own time; children's (fields 13, 14) only count for the postmaster, whose children are the backends.
    total += (Number(f[11]) + Number(f[12])) * 10;
    const parent = f[1]!;
    const parentComm = (() => {
      try {
        return readFileSync(`/proc/${parent}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    })();
    if (parentComm !== 'postgres') total += (Number(f[13]) + Number(f[14])) * 10;
  }
  return seen ? total : undefined;
}
