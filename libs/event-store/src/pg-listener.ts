import { Client, type Pool } from 'pg';

/** Postgres refuses channel names (and truncates application names) of NAMEDATALEN (64) bytes or more. */
const MAX_NAME_BYTES = 63;

export interface PgListenerOptions {
  /**
   * The channel, or how to find it on the listening connection once connected (e.g. from a
   * table name resolved through that connection's search_path).
   */
  readonly channel: string | ((client: Client) => Promise<string>);
  /** Every notification on the channel, with its payload (empty string when none was sent). */
  readonly onNotification: (payload: string) => void;
  /**
   * After every (re)connect, once LISTEN is in place. Notifications sent while the connection
   * was down are lost for good, so this is the moment to read once.
   */
  readonly onListening?: () => void;
  /** Connection failures; the listener keeps reconnecting on its own. */
  readonly onError?: (error: unknown) => void;
  /** Wait before reconnecting, doubling while connecting fails. Default 100 ms → 5 s. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /**
   * A listening connection only receives, so a silently dropped one (a cut route, a frozen
   * peer) would look idle forever: every this often it sends a trivial query, and one not
   * answered by the next beat ends the session and reconnects. Default 15 s.
   */
  readonly heartbeatMs?: number;
}

/**
 * LISTEN on one channel over a connection of its own, reconnecting with backoff.
 *
 * LISTEN belongs to a session, so it cannot live on a pooled connection that other work
 * borrows and returns; the listener opens its own client with the pool's settings (same
 * server, credentials and search_path) and never returns it. While that connection is down
 * notifications are lost, which is why callers keep a slow timed poll as a fallback and
 * read once in `onListening`.
 */
export class PgListener {
  private running = false;
  private loop: Promise<void> | undefined;
  private client: Client | undefined;
  private interrupt: (() => void) | undefined;
  private listeningOn: string | undefined;
  private sessions = 0;
  /** The heartbeat query awaiting its answer. */
  private pending: { client: Client; since: number } | undefined;

  /** `pool` only lends its settings: the listener's connection is its own, outside the pool. */
  constructor(
    private readonly pool: Pool,
    private readonly options: PgListenerOptions,
  ) {}

  /** Whether LISTEN is in place right now. */
  get listening(): boolean {
    return this.listeningOn !== undefined;
  }

  /** The channel while listening. */
  get channel(): string | undefined {
    return this.listeningOn;
  }

  /** How many times LISTEN was established (1 after the first connect, +1 per reconnect). */
  get sessionCount(): number {
    return this.sessions;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interrupt?.();
    // Also cuts short a connect that is still waiting for the server.
    await this.client?.end().catch(() => undefined);
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 5_000 };
    let delay = initialMs;
    while (this.running) {
      // A session that listened resets the backoff: a dropped connection is retried soon,
      // a server that keeps refusing is retried less and less often.
      if (await this.session()) delay = initialMs;
      if (!this.running) break;
      await this.pause(delay);
      delay = Math.min(maxMs, delay * 2);
    }
  }

  /** One connection's life; resolves when it ends. Returns whether it got to LISTEN. */
  private async session(): Promise<boolean> {
    const heartbeatMs = this.options.heartbeatMs ?? 15_000;
    const client = new Client({
      ...this.pool.options,
      keepAlive: true,
      keepAliveInitialDelayMillis: heartbeatMs,
    });
    this.client = client;
    const ended = new Promise<void>((resolve) => {
      client.once('end', resolve);
      this.interrupt = resolve;
    });
    // An idle client reports a terminated backend as an 'error' event; without a handler it would crash the process.
    client.on('error', (e) => this.report(e));
    let listened = false;
    // pg never settles a connect() that end() cut short (it reports "terminated" only when the
    // end was not asked for), so a stop() landing there would wait on this session for ever.
    const cut = ended.then(() => Promise.reject(new Error('the listener connection ended while connecting')));
    cut.catch(() => undefined);
    try {
      await Promise.race([client.connect(), cut]);
      const channel = typeof this.options.channel === 'string' ? this.options.channel : await this.options.channel(client);
      client.on('notification', (n) => {
        if (n.channel === channel) this.options.onNotification(n.payload ?? '');
      });
      await client.query(`listen ${client.escapeIdentifier(channel)}`);
      // Names the connection in pg_stat_activity, so an operator sees what it is for.
      await client.query(`select set_config('application_name', $1, false)`, [`listen ${channel}`.slice(0, MAX_NAME_BYTES)]);
      // And lets the server notice a vanished peer instead of keeping its backend for hours.
      await client.query(
        `select set_config('tcp_keepalives_idle', $1, false), set_config('tcp_keepalives_interval', '1', false),
                set_config('tcp_keepalives_count', '3', false)`,
        [String(Math.max(1, Math.round(heartbeatMs / 1000)))],
      );
      if (!this.running) return false;
      this.listeningOn = channel;
      this.sessions++;
      listened = true;
      this.options.onListening?.();
      const beat = setInterval(() => this.beat(client, heartbeatMs), heartbeatMs);
      try {
        await ended;
      } finally {
        clearInterval(beat);
      }
    } catch (e) {
      if (this.running) this.report(e);
    } finally {
      this.listeningOn = undefined;
      this.interrupt = undefined;
      if (this.client === client) this.client = undefined;
      await client.end().catch(() => undefined);
    }
    return listened;
  }

  /** Sends a trivial query; one still unanswered a beat later means the connection is gone. */
  private beat(client: Client, heartbeatMs: number): void {
    if (this.client !== client) return;
    if (this.pending?.client === client) {
      if (Date.now() - this.pending.since < heartbeatMs) return;
      this.pending = undefined;
      this.report(new Error(`listen ${this.listeningOn ?? ''}: no answer for ${heartbeatMs} ms, reconnecting`));
      // end() would wait for a goodbye a silent peer never sends.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      this.interrupt?.();
      return;
    }
    const mark = { client, since: Date.now() };
    this.pending = mark;
    client.query('select 1').then(
      () => {
        if (this.pending === mark) this.pending = undefined;
      },
      () => undefined,
    );
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.interrupt = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.interrupt = done;
    });
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // a failing error callback must not end the listener
    }
  }
}
