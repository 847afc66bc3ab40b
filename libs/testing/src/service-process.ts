import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { infraConfig } from '@vanguard/infra-config';

const ROOT = join(__dirname, '../../..');

/** A service running as `npm start` runs it: its own process, its own main.ts. */
export interface ServiceProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The last 20,000 characters it wrote to stdout and stderr. */
  output(): string;
}

/** A port nobody listens on now (the OS picks it). */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * Starts `services/<name>/src/main.ts` against the test database on a free port; `env` comes on
 * top of this process's environment. Not ready yet: see `whenReady`.
 */
export async function spawnService(name: string, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `services/${name}/src/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: infraConfig().testDatabaseUrl, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (c: Buffer) => (out = (out + c.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, port, child, exited, output: () => out };
}

/**
 * Until `/health/ready` answers 200. A loaded CI machine boots a service slowly, hence the long
 * default; a process that exits first fails at once, with what it said.
 */
export async function whenReady(s: ServiceProcess, timeoutMs = 150_000): Promise<void> {
  let exitCode: number | null | undefined;
  void s.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${s.port}/health/ready`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    const why =
      exitCode !== undefined
        ? `exited (${exitCode}) before it was ready`
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
