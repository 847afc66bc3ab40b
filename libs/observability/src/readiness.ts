/** One real part a service needs before it can serve. */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

/** What a readiness answer may say of a component: its name and whether it answered. */
export interface ComponentReadiness {
  readonly name: string;
  readonly up: boolean;
}

export interface ReadinessOptions {
  /** Longest wait for one probe; one that has not answered by then is down (default 3 s). */
  readonly timeoutMs?: number;
  /** How long a finished check answers every caller (default 1.5 s). */
  readonly cacheMs?: number;
  readonly now?: () => number;
  /** Where a component's going down (with the reason) and coming back are written. */
  readonly log?: { warn(message: string): void; log(message: string): void };
}

export const READINESS_TIMEOUT_MS = 3000;
export const READINESS_CACHE_MS = 1500;

/**
 * The readiness check shared by every caller. `/health/ready` is public (load balancers), so one
 * check runs at a time and its result answers everyone for `cacheMs`: a flood of calls is not a
 * flood of Kafka connections, queries and JWKS fetches. Every probe is bounded by `timeoutMs`, so a
 * dependency that accepts a connection and then goes silent is reported down instead of hanging
 * the answer; a probe still hanging from an earlier round is waited on again rather than started
 * once more, so a silent database does not collect one stuck query per round.
 */
export class Readiness {
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private inFlight: Promise<ComponentReadiness[]> | undefined;
  private cached: { readonly at: number; readonly states: ComponentReadiness[] } | undefined;
  private readonly hanging = new Map<ReadinessProbe, Promise<void>>();
  private readonly lastReason = new Map<string, string | undefined>();

  constructor(
    private readonly probes: readonly ReadinessProbe[],
    private readonly options: ReadinessOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? READINESS_TIMEOUT_MS;
    this.cacheMs = options.cacheMs ?? READINESS_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  check(): Promise<ComponentReadiness[]> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.states);
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async run(): Promise<ComponentReadiness[]> {
    const states = await Promise.all(
      this.probes.map(async (probe) => {
        const reason = await this.reasonDown(probe);
        this.note(probe.name, reason);
        return { name: probe.name, up: reason === undefined };
      }),
    );
    this.cached = { at: this.now(), states };
    return states;
  }

  /** Undefined when the probe answered in time; else why not (for the log, never the response). */
  private async reasonDown(probe: ReadinessProbe): Promise<string | undefined> {
    let attempt = this.hanging.get(probe);
    if (!attempt) {
      const started = Promise.resolve().then(() => probe.check());
      const forget = () => void this.hanging.delete(probe);
      started.then(forget, forget);
      this.hanging.set(probe, started);
      attempt = started;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([attempt, late]);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message || e.name : String(e);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs changes only: a component down for an hour writes one line, not one per probe call. */
  private note(name: string, reason: string | undefined): void {
    const before = this.lastReason.get(name);
    this.lastReason.set(name, reason);
    if (reason !== undefined && reason !== before) this.options.log?.warn(`readiness: ${name} is down: ${reason}`);
    else if (reason === undefined && before !== undefined) this.options.log?.log(`readiness: ${name} answers again`);
  }
}
