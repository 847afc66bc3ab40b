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

/**
 * The local Kafka broker's CPU so far, in ms (every process whose command line runs `kafka.Kafka`),
 * or undefined when none is visible (a remote broker).
 */
export function brokerCpuMs(): number | undefined {
  let total: number | undefined;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.split('\0').includes('kafka.Kafka')) continue;
    const f = statFields(pid);
    if (f) total = (total ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
  }
  return total;
}

/** This process's CPU so far (every thread), in ms. */
export function thisProcessCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The processes a reading covers: this one, every local Postgres process, the local broker. */
export type CpuReader = 'this process' | 'postgres' | 'broker';
const READERS: Record<CpuReader, () => number | undefined> = {
  'this process': thisProcessCpuMs,
  postgres: postgresCpuMs,
  broker: brokerCpuMs,
};

/** Each of `readers`' CPU so far, in ms (undefined where it cannot be read). */
export function cpuReading(readers: readonly CpuReader[]): Partial<Record<CpuReader, number | undefined>> {
  return Object.fromEntries(readers.map((r) => [r, READERS[r]()]));
}

/** What each process of `from` spent since, in ms; undefined where either reading is missing. */
export function cpuSince(from: Partial<Record<CpuReader, number | undefined>>): Partial<Record<CpuReader, number | undefined>> {
  return Object.fromEntries(
    Object.entries(from).map(([r, before]) => {
      const now = READERS[r as CpuReader]();
      return [r, before === undefined || now === undefined ? undefined : now - before];
    }),
  );
}

/**
 * What one message (or record) costs the whole machine, process by process, and the rate those
 * costs allow on its cores if nothing else ran and no process ever waited: the ceiling a
 * throughput target meets or not on this machine, whatever the code's latency. The readings are
 * host-wide (every Postgres and `kafka.Kafka` process, whatever else they served meanwhile), so
 * on a shared machine the ceiling reads low; a part that could not be read is left out and named.
 */
export interface CpuBudget {
  readonly perItemUs: Record<string, number>;
  readonly totalUs: number;
  readonly cores: number;
  readonly ceilingPerSecond: number;
  /** Parts given but not readable here (a remote Postgres or broker). */
  readonly unread: string[];
}

export function cpuBudget(parts: Record<string, number | undefined>, count: number, cores: number): CpuBudget {
  if (count <= 0) throw new Error(`cpuBudget: nothing was counted (${count})`);
  const perItemUs: Record<string, number> = {};
  const unread: string[] = [];
  let totalUs = 0;
  for (const [name, ms] of Object.entries(parts)) {
    if (ms === undefined) {
      unread.push(name);
      continue;
    }
    perItemUs[name] = Math.round((ms * 1000) / count);
    totalUs += (ms * 1000) / count;
  }
  return { perItemUs, totalUs: Math.round(totalUs), cores, ceilingPerSecond: Math.floor((cores * 1e6) / totalUs), unread };
}

/** `cpuBudget` in a line: "bench 723 µs, postgres 281 µs, broker 50 µs = 1053 µs; 2 cores allow at most 1,899 msg/s at that cost". */
export function budgetLine(b: CpuBudget, unit: string): string {
  const parts = Object.entries(b.perItemUs).map(([k, us]) => `${k} ${us} µs`);
  const unread = b.unread.length ? ` (${b.unread.join(', ')} not readable here, left out)` : '';
  return `${parts.join(', ')} = ${b.totalUs} µs${unread}; ${b.cores} cores allow at most ${b.ceilingPerSecond.toLocaleString('en')} ${unit} at that cost`;
}
