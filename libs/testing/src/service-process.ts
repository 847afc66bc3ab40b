import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { infraConfig } from '@vanguard/infra-config';

const ROOT = join(__dirname, '../../..');

/** A service running as `npm start` runs it: its own process, its own main.ts. */
export interface ServiceProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The last 20,000 characters it wrote to stdout and stderr: context for a failure message. */
  output(): string;
  /**
   * Every line it wrote to stderr, and every stdout line that is a pino record of level 50 (error)
   * or above, from its start to now, as they arrived: not a tail, so an early failure is not
   * pushed out by later output. Past 5,000 lines the last one counts those not kept.
   */
  errorLines(): readonly string[];
  /** Once its stdout and stderr have closed: all it wrote is in `output` and `errorLines` (`exited` may come first). */
  readonly outputRead: Promise<void>;
}

/** A port nobody listens on now (the OS picks it); another process may take it before the service binds it. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const TAIL_CHARS = 20_000;
const MAX_ERROR_LINES = 5_000;

/** A pino record (one JSON object per line) of level 50 (error) or 60 (fatal). */
const isPinoError = (line: string): boolean => {
  if (!line.startsWith('{')) return false;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' && level >= 50;
  } catch {
    return false;
  }
};

/**
 * `child`, already started and told to listen on `port`, as a ServiceProcess: its output kept as
 * `output` and `errorLines` say. spawnService's; a test of the harness wraps a process of its own.
 */
export function asServiceProcess(name: string, port: number, child: ChildProcess): ServiceProcess {
  let tail = '';
  const errors: string[] = [];
  let dropped = 0;
  const keepError = (line: string) => (errors.length < MAX_ERROR_LINES ? errors.push(line) : dropped++);
  const lines = (stream: Readable | null, keep: (line: string) => boolean): Promise<void> => {
    if (!stream) return Promise.resolve();
    // Decoded as a stream: a character split between two chunks stays whole.
    stream.setEncoding('utf8');
    let partial = '';
    stream.on('data', (text: string) => {
      tail = (tail + text).slice(-TAIL_CHARS);
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (keep(line)) keepError(line);
    });
    stream.once('end', () => {
      if (partial && keep(partial)) keepError(partial);
      partial = '';
    });
    return new Promise<void>((resolve) => stream.once('close', () => resolve()));
  };
  const outputRead = Promise.all([lines(child.stdout, isPinoError), lines(child.stderr, (line) => line.trim() !== '')]).then(
    () => undefined,
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    port,
    child,
    exited,
    output: () => tail,
    errorLines: () => (dropped ? [...errors, `… and ${dropped} more lines not kept`] : [...errors]),
    outputRead,
  };
}

/**
 * Starts `services/<name>/src/main.ts` against the test database on a free port; `env` comes on
 * top of this process's environment. Not ready yet: see `whenReady`.
 */
export async function spawnService(name: string, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
  const port = await freePort();
  // Node itself, not npm or a shell: the child's pid is the process that binds the port (see whenReady).
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `services/${name}/src/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: infraConfig().testDatabaseUrl, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return asServiceProcess(name, port, child);
}

/**
 * Whether process `pid` holds the listening TCP socket on `port`, read from Linux's /proc (a
 * socket's inode in /proc/net/tcp*, the same inode among the process's open files); undefined
 * where there is no /proc to read.
 */
export function listensOn(pid: number, port: number): boolean | undefined {
  const inodes = new Set<string>();
  try {
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        const cols = row.trim().split(/\s+/);
        const local = cols[1];
        if (!local || cols[3] !== '0A' /* LISTEN */) continue;
        if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && cols[9]) inodes.add(cols[9]);
      }
    }
  } catch {
    return undefined;
  }
  if (!inodes.size) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch (e) {
    // Gone (it exited) or never there; a /proc that will not show another's files (hidepid) tells nothing.
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
  return fds.some((fd) => {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      return inode !== undefined && inodes.has(inode);
    } catch {
      return false;
    }
  });
}

/**
 * Until `/health/ready` answers 200 from the service itself. A loaded CI machine boots a service
 * slowly, hence the long default; a process that exits first fails at once, with what it said.
 * The port was free when picked, but nothing held it until the service bound it: a service that
 * failed to bind it (EADDRINUSE) while another process took it would see that process answer.
 * So an answer counts only while the child is still running and (where /proc tells) holds the
 * listening socket itself; another process holding the port fails at once.
 */
export async function whenReady(s: ServiceProcess, timeoutMs = 150_000): Promise<void> {
  let exitCode: number | null | undefined;
  void s.exited.then((code) => (exitCode = code));
  const running = () => exitCode === undefined && s.child.exitCode === null && s.child.signalCode === null;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${s.port}/health/ready`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status,
      () => 0,
    );
    // Asked after the answer: a child that answered and then died must not count as ready.
    const holder = status === 200 && running() && s.child.pid !== undefined ? listensOn(s.child.pid, s.port) : undefined;
    if (status === 200 && running() && holder !== false) return;
    const why = !running()
      ? `exited (${exitCode ?? s.child.exitCode ?? s.child.signalCode}) before it was ready${status === 200 ? `; another process answers on port ${s.port}` : ''}`
      : holder === false
        ? `does not hold port ${s.port}: another process answered /health/ready there`
        : Date.now() > deadline
          ? `was not ready within ${timeoutMs} ms`
          : '';
    if (why) throw new Error(`${s.name} ${why}\n--- ${s.name}\n${s.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Several services side by side, each ready; if one is not, all are stopped and its output is in the error. */
export async function startServices(names: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess[]> {
  const started = await Promise.all(names.map((name) => spawnService(name, env)));
  try {
    await Promise.all(started.map((s) => whenReady(s)));
  } catch (e) {
    await stopServices(started);
    throw e;
  }
  return started;
}

/** SIGTERM, and the exit code, or 'still running' when `withinMs` passes first. */
export async function terminate(s: ServiceProcess, withinMs: number): Promise<number | null | 'still running'> {
  if (s.child.exitCode === null) s.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((r) => (timer = setTimeout(() => r('still running'), withinMs)));
  try {
    return await Promise.race([s.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops them all: SIGTERM, then SIGKILL for any still running after 10 s. */
export async function stopServices(services: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      if ((await terminate(s, 10_000)) === 'still running') {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    }),
  );
}
