import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs `work` while holding `lock`, a file created exclusively and holding host, pid, a token and
 * the process's start time (ADR 0101), so no other process (nor another caller in this one) runs its own meanwhile. A lock
 * left by a dead process is removed only under a second exclusive file, `<lock>.break`, after
 * checking that the lock is still the dead one's, so two removers can never delete each other's
 * live lock. A process that dies while removing one leaves that file, and the caller then stops
 * and names it rather than guess. `holder` names who takes such locks, in the messages.
 *
 * Shared by the witness's state file and the county's sequences (ADR 0109); it lives here because
 * this lib's top-level files are edited by other helpers.
 */
export async function withExclusiveLock<T>(lock: string, work: () => Promise<T>, waitMs: number, holder: string): Promise<T> {
  await mkdir(path.dirname(lock), { recursive: true });
  const mine = `${hostname()} ${process.pid} ${randomBytes(8).toString('hex')} ${startOf(process.pid) ?? '-'}\n`;
  const deadline = Date.now() + waitMs;
  while (!(await createExclusive(lock, mine))) {
    const current = await readIfPresent(lock);
    if (current !== undefined && isDeadHere(current)) await breakStale(lock, current, holder);
    else if (Date.now() > deadline)
      throw new Error(`${lock} is held by ${current?.trim() ?? `another ${holder}`} (host, pid); remove it only if no ${holder} runs`);
    else await sleep(5 + Math.random() * 20);
  }
  try {
    return await work();
  } finally {
    if ((await readIfPresent(lock)) === mine) await unlink(lock);
  }
}

async function breakStale(lock: string, stale: string, holder: string): Promise<void> {
  const breaker = `${lock}.break`;
  const mine = `${hostname()} ${process.pid} - ${startOf(process.pid) ?? '-'}\n`;
  if (!(await createExclusive(breaker, mine))) {
    const other = await readIfPresent(breaker);
    if (other !== undefined && isDeadHere(other))
      throw new Error(
        `${breaker} was left by a ${holder} that died removing a stale lock; check that no ${holder} runs, then remove it and ${lock}`,
      );
    return sleep(5 + Math.random() * 20);
  }
  try {
    // Another remover may have gone first and a live process taken the lock since.
    if ((await readIfPresent(lock)) === stale) await unlink(lock);
  } finally {
    await unlink(breaker);
  }
}

/** Creates `file` holding `content` unless it exists; linked from a written file, so it is never seen empty. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, 'utf8');
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp);
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Whether a lock's holder is known to be gone: only a process of this host can be asked. A live
 * pid is the holder only if it started when the holder did: a restarted container's witness is
 * PID 1 again, as its dead predecessor was, and waited on that lock for ever (a probe; ADR 0101
 * promises the next run clears it). A lock written before the start time was recorded has none,
 * and its live pid is taken for the holder, as before.
 */
function isDeadHere(current: string): boolean {
  const [host, pidText, , started] = current.trim().split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = startOf(pid);
  return started !== undefined && started !== '-' && now !== undefined && now !== started;
}

/**
 * When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat, after the name in
 * parentheses, which may itself hold spaces), with the boot's id: unique to one process of this
 * host. None where /proc is not Linux's.
 */
export function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const ticks = fields[19];
    return ticks && /^\d+$/.test(ticks) ? `${boot}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A rename is durable only once its directory is: without this a power cut can bring back the
 * old file (or none) although the new one was reported written.
 */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
