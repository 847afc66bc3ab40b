import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { infraConfig } from '@vanguard/infra-config';
import { waitUntil } from '@vanguard/testing';

const ROOT = join(__dirname, '../../../..');

export interface ServiceProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * The real services as `npm start` runs them (each its own process, main.ts), against the test
 * database: services never import each other, so a suite that needs three of them starts three.
 */
export async function startServices(names: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess[]> {
  const started = await Promise.all(
    names.map(async (name) => {
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
      return { name, port, child, output: () => out };
    }),
  );
  try {
    await Promise.all(
      started.map((s) =>
        waitUntil(
          `${s.name} to be ready`,
          async () => {
            if (s.child.exitCode !== null) throw new Error(`${s.name} exited ${s.child.exitCode}: ${s.output().slice(-3000)}`);
            const res = await fetch(`http://127.0.0.1:${s.port}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(
              () => undefined,
            );
            return res?.status === 200;
          },
          { timeoutMs: 150_000, intervalMs: 250 },
        ),
      ),
    );
  } catch (e) {
    await stopServices(started);
    throw new Error(`${(e as Error).message}\n${started.map((s) => `--- ${s.name}\n${s.output().slice(-1500)}`).join('\n')}`, { cause: e });
  }
  return started;
}

export async function stopServices(services: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(
    services.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null) return resolve();
          const kill = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
          s.child.once('exit', () => (clearTimeout(kill), resolve()));
          s.child.kill('SIGTERM');
        }),
    ),
  );
}
