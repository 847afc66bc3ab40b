import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PgListener } from '@vanguard/event-store';
import type { Pool } from 'pg';

/** The NOTIFY channel of this schema's honour roll: one per schema, so services or suites sharing a database do not wake each other. */
export const HONOUR_ROLL_CHANNEL_SQL = `current_schema() || '_honour_roll'`;

/** How often the version is read anyway, for a notification lost in a way the listener cannot see. */
const POLL_MS = 10_000;

/**
 * The honour roll's current version (its ETag), known in memory, so a public read needs no
 * query. Every changing transaction moves `honour_roll_state.version` and NOTIFYs it on commit
 * (UnitOfWork); this process LISTENs and keeps the highest version seen, and a change committed
 * here is taken at once after its commit (read-your-writes for the editor who just published).
 * While the listening connection is down the version is unknown — `current()` answers undefined
 * and readers read the row, as before — so a revocation never hides behind a stale cache.
 */
@Injectable()
export class HonourRollVersion implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HonourRollVersion.name);
  private readonly listener: PgListener;
  private known: bigint | undefined;
  /** `known` as text, made once per version: every public read asks for it. */
  private knownText: string | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly pool: Pool) {
    this.listener = new PgListener(pool, {
      channel: async (client) => (await client.query<{ c: string }>(`select ${HONOUR_ROLL_CHANNEL_SQL} as c`)).rows[0]!.c,
      onNotification: (payload) => this.advance(payload),
      // Notifications sent while the connection was down are gone: forget, then read the row once.
      onListening: () => {
        this.know(undefined);
        void this.refresh();
      },
      onError: (e) => this.logger.warn(`honour-roll listener: ${String(e)}`),
    });
  }

  onApplicationBootstrap(): void {
    this.listener.start();
    this.poll = setInterval(() => void this.refresh(), POLL_MS);
    this.poll.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.poll);
    await this.listener.stop();
  }

  /** The version, when this process is sure of it; undefined while it is not (read the row then). */
  current(): string | undefined {
    if (!this.listener.listening || this.known === undefined) return undefined;
    return (this.knownText ??= String(this.known));
  }

  /** A version seen committed (notified, or committed by this process): versions only grow, so the highest wins. */
  advance(version: string): void {
    if (!/^\d+$/.test(version)) return;
    const v = BigInt(version);
    if (this.known === undefined ? this.listener.listening : v > this.known) this.know(v);
  }

  private know(version: bigint | undefined): void {
    this.known = version;
    this.knownText = undefined;
  }

  private async refresh(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ version: string }>(`select version::text from honour_roll_state where id = 1`);
      if (rows[0] && this.listener.listening) {
        const v = BigInt(rows[0].version);
        if (this.known === undefined || v > this.known) this.know(v);
      }
    } catch (e) {
      this.logger.warn(`honour-roll version: ${String(e)}`);
    }
  }
}
