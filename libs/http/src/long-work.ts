import { HttpException, HttpStatus } from '@nestjs/common';

/** How much of one kind of long work (exports, imports, replays…) may run at once. */
export interface ConcurrencyLimits {
  /** Leases one caller (token `sub`) may hold at once. */
  readonly perUser: number;
  /** Leases everyone together may hold at once: keep it below the connection pool's size. */
  readonly total: number;
  /** Seconds a refused caller is told to wait (`Retry-After`). */
  readonly retryAfterSec: number;
}

/** The right to run one piece of long work; give it back with `release()` (idempotent) on every path. */
export interface Lease {
  /** Aborted when the process starts shutting down and asks long work to stop. */
  readonly signal: AbortSignal;
  release(): void;
}

/** 429 with `Retry-After` (set by the ProblemFilter) and the limit that was hit. */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSec: number,
    reason: 'per_user' | 'total',
  ) {
    super({ code: 'LIMIT.TOO_MANY', message, errors: [{ field: 'limit', reason }], retryAfterSec }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Counts leases of one kind of work per caller and in all. It refuses instead of queueing:
 * a queued download still holds its socket, and the caller learns at once when to retry.
 */
export class ConcurrencyLimiter {
  private readonly byUser = new Map<string, number>();
  private active = 0;

  constructor(
    /** What is limited, for the refusal: `{ zh: '导出', en: 'exports' }`. */
    readonly label: { readonly zh: string; readonly en: string },
    readonly limits: ConcurrencyLimits,
    private readonly owner: LongWork,
  ) {}

  get inUse(): number {
    return this.active;
  }

  /** A lease for `user`, or a TooManyRequestsException naming the limit that was hit. */
  acquire(user: string): Lease {
    if (this.owner.stopping.aborted)
      throw new HttpException(
        { code: 'SERVER.STOPPING', message: '服务正在停止 / the service is shutting down', retryAfterSec: this.limits.retryAfterSec },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    const mine = this.byUser.get(user) ?? 0;
    if (mine >= this.limits.perUser)
      throw new TooManyRequestsException(
        `同时进行的${this.label.zh}过多（每人最多 ${this.limits.perUser} 个）/ too many ${this.label.en} at once: at most ${this.limits.perUser} per user`,
        this.limits.retryAfterSec,
        'per_user',
      );
    if (this.active >= this.limits.total)
      throw new TooManyRequestsException(
        `系统同时进行的${this.label.zh}已满（共 ${this.limits.total} 个）/ the service runs at most ${this.limits.total} ${this.label.en} at once`,
        this.limits.retryAfterSec,
        'total',
      );
    this.byUser.set(user, mine + 1);
    this.active++;
    let held = true;
    return {
      signal: this.owner.stopping,
      release: () => {
        if (!held) return;
        held = false;
        this.active--;
        const left = (this.byUser.get(user) ?? 1) - 1;
        if (left > 0) this.byUser.set(user, left);
        else this.byUser.delete(user);
        this.owner.changed();
      },
    };
  }
}

/**
 * Every long piece of work a process runs (streams, import jobs, replays), so shutdown can
 * wait for it, then ask it to stop. One per process; limiters are made from it.
 */
export class LongWork {
  private readonly stop = new AbortController();
  private readonly limiters: ConcurrencyLimiter[] = [];
  private waiters: (() => void)[] = [];

  get stopping(): AbortSignal {
    return this.stop.signal;
  }

  limiter(label: { zh: string; en: string }, limits: ConcurrencyLimits): ConcurrencyLimiter {
    const l = new ConcurrencyLimiter(label, limits, this);
    this.limiters.push(l);
    return l;
  }

  /** Leases held across every limiter. */
  get active(): number {
    return this.limiters.reduce((n, l) => n + l.inUse, 0);
  }

  /** Resolves true once no lease is held, or false when `timeoutMs` passes first. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  /** Asks every running piece of work to stop (their lease signals abort); new leases are refused. */
  requestStop(): void {
    this.stop.abort(new Error('the service is shutting down'));
  }

  /** @internal called by a limiter when a lease is released. */
  changed(): void {
    if (this.active > 0) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}
