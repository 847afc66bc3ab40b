import type { Pool } from 'pg';
import { backendPid, failureKind, type DeciderStreams } from '@vanguard/event-store';
import { DomainError } from '@vanguard/kernel';
import type { LockedAppend, ZonedUnitsPort } from '../../application/ports/zoned-units.port';

export class CampaignBusyError extends DomainError {
  constructor(campaignId: string) {
    super(
      'ZONE.CAMPAIGN_BUSY',
      'conflict',
      `该活动正在划分其他片区，请稍后重试 / another zone of campaign ${campaignId} is being designated; try again`,
    );
  }
}

/**
 * Designations of one campaign, one at a time: chained in this process, and across replicas by a
 * session advisory lock taken with `pg_try_advisory_lock` — never a blocking wait, which would hold
 * a pooled connection per waiter. The work appends on the lock's own session: the lock is lost only
 * with that session (its backend ended, by a failover, an operator or after a cut), and then the
 * append fails instead of committing beside another replica's designation that took the lock
 * meanwhile. The units other zones hold are read from the store's own rows, which a committed
 * designation is in at once.
 */
export class SqlZonedUnits implements ZonedUnitsPort {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly pool: Pool,
    private readonly streams: Pick<DeciderStreams, 'appendOn'>,
    /** How long a designation waits for another of the same campaign (in any replica) before it is refused as busy. */
    private readonly waitMs = 10_000,
  ) {}

  exclusively<T>(campaignId: string, work: (append: LockedAppend) => Promise<T>): Promise<T> {
    const before = this.chains.get(campaignId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.locked(campaignId, work));
    const settled = mine.catch(() => undefined);
    this.chains.set(campaignId, settled);
    void settled.then(() => {
      if (this.chains.get(campaignId) === settled) this.chains.delete(campaignId);
    });
    return mine;
  }

  async heldByZones(campaignId: string, units: readonly string[]): Promise<string[]> {
    if (units.length === 0) return [];
    const { rows } = await this.pool.query<{ unit: string }>(
      `select distinct u.unit from events_view e cross join lateral jsonb_array_elements_text(e.data->'units') as u(unit)
        where e.type = 'evaluation.ZoneDesignated' and e.data->>'campaignId' = $1 and u.unit = any($2::text[])`,
      [campaignId, units],
    );
    return rows.map((r) => r.unit).sort();
  }

  private async locked<T>(campaignId: string, work: (append: LockedAppend) => Promise<T>): Promise<T> {
    // The schema too: advisory locks are database-wide, and two schemas' stores may share campaign ids.
    const key = [`zone-designation:${campaignId}`];
    const deadline = Date.now() + this.waitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      const client = await this.pool.connect();
      let held = false;
      let done = false;
      let broken: Error | undefined;
      let pid: number | undefined;
      try {
        // Known before the lock, to end its backend by if the unlock fails.
        pid = await backendPid(client).catch((e: Error) => {
          throw (broken = e);
        });
        // A lock whose answer was lost may be held all the same: its backend is ended below, as after a failed unlock.
        held = (
          await client
            .query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtextextended(current_schema() || ':' || $1, 0)) as ok`, key)
            .catch((e: Error) => {
              throw (broken = e);
            })
        ).rows[0]!.ok;
        if (held)
          return await work((...append) => {
            // Kept past its work, it would append on a connection back in the pool, without the lock.
            if (done) return Promise.reject(new Error(`the designation lock of campaign ${campaignId} is no longer held`));
            return this.streams.appendOn(client, ...append);
          });
      } finally {
        done = true;
        if (held)
          await client.query(`select pg_advisory_unlock(hashtextextended(current_schema() || ':' || $1, 0))`, key).catch((e: Error) => {
            broken = e;
          });
        // A connection whose unlock failed, or whose lock's answer was lost, may hold the lock still:
        // destroyed, not pooled, and, when the connection itself failed, its backend ended, since a cut
        // that left it running would keep the campaign busy until TCP gives up. A refusal on a sound
        // connection ends with the connection (a pooler would already hand its backend to another).
        client.release(broken);
        if (broken && failureKind(broken) === 'unknown' && pid !== undefined)
          await this.pool.query('select pg_terminate_backend($1)', [pid]).catch(() => undefined);
      }
      if (Date.now() + pause > deadline) throw new CampaignBusyError(campaignId);
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
