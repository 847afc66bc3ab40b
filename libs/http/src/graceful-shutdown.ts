import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger, type INestApplication } from '@nestjs/common';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import type { LongWork } from './long-work';

/** `<PREFIX>_SHUTDOWN_DEADLINE_MS` (e.g. EVALUATION_…), default 25 s: below Kubernetes' 30 s grace period. */
export function shutdownDeadlineFromEnv(prefix: string, env: NodeJS.ProcessEnv = process.env): number {
  return positiveIntFromEnv(env, `${prefix}_SHUTDOWN_DEADLINE_MS`, 25_000);
}

export interface GracefulShutdownOptions {
  /** The whole shutdown, from the signal to the exit. */
  readonly deadlineMs: number;
  readonly longWork: LongWork;
  /** Default SIGTERM (orchestrators), SIGINT (Ctrl-C) and SIGHUP (the terminal running `npm start` closed). */
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * On SIGTERM/SIGINT/SIGHUP: stop accepting, let running requests and long work finish for half
 * the deadline, then ask the long work left to stop (streams end their queries, jobs roll back), cut lingering sockets,
 * close the application (which ends the pool and the relay) and exit 0. If something still
 * hangs at the deadline the process exits 1 anyway, naming it: a stuck shutdown is worse
 * than a hard one, since the orchestrator would kill it without a word.
 */
export function installGracefulShutdown(
  app: INestApplication,
  { deadlineMs, longWork, signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] }: GracefulShutdownOptions,
): void {
  const logger = new Logger('Shutdown');
  const server = app.getHttpServer() as Server;
  const requests = new RequestsInFlight(server);
  let started = false;
  const run = async (signal: NodeJS.Signals) => {
    const t0 = Date.now();
    const left = () => Math.max(0, deadlineMs - (Date.now() - t0));
    const hard = setTimeout(() => {
      logger.error({ signal, activeLongWork: longWork.active }, `shutdown passed its ${deadlineMs} ms deadline: exiting anyway`);
      process.exit(1);
    }, deadlineMs);
    hard.unref();
    logger.log({ signal, deadlineMs, activeLongWork: longWork.active, requestsInFlight: requests.active }, 'shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A request already being answered gets its answer (a command may be committing); one whose
    // headers never ended is not one, and is cut below with the idle sockets.
    const [longWorkIdle] = await Promise.all([longWork.idle(deadlineMs / 2), requests.idle(deadlineMs / 2)]);
    if (!longWorkIdle) {
      logger.warn({ activeLongWork: longWork.active }, 'long work still running: asking it to stop');
      longWork.requestStop();
      await longWork.idle(Math.max(0, left() - deadlineMs / 4));
    }
    // Requests have had their time; whatever socket is left is cut.
    await Promise.race([closed, delay(Math.min(1000, left() / 4))]);
    server.closeAllConnections();
    await app.close();
    clearTimeout(hard);
    logger.log({ ms: Date.now() - t0 }, 'shut down');
    process.exit(0);
  };
  // `on`, not `once`: with no listener left, a second signal (an impatient Ctrl-C, an orchestrator
  // sending TERM twice) would take Node's default action and kill the process mid-request.
  for (const s of signals)
    process.on(s, (sig: NodeJS.Signals) => {
      if (started) {
        logger.warn({ signal: sig }, 'already shutting down');
        return;
      }
      started = true;
      run(sig).catch((e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
    });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Requests the server has begun to answer and not yet finished, counted from their headers to the response's close. */
class RequestsInFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  constructor(server: Server) {
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.count++;
      res.once('close', () => {
        if (--this.count > 0) return;
        const ws = this.waiters;
        this.waiters = [];
        for (const w of ws) w();
      });
    });
  }

  get active(): number {
    return this.count;
  }

  /** Resolves once none is in flight, or when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}
