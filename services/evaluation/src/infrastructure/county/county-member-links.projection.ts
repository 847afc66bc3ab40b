import type { Pool } from 'pg';
import type { CountyMemberLinkedEvent } from '@vanguard/contracts';
import { applyCountyMemberLink, countyMemberIds, LinksArrival, type CountyMemberIds } from '@vanguard/county-inbound';
import type { SqlExecutor } from '@vanguard/messaging';
import type { CountyMemberLinksPort } from '../../application/county/county-member-links.port';

/**
 * `county_member_links`: evaluation's copy of the organization service's mapping from a county
 * system's member ids to platform members (libs/county-inbound applies and reads it).
 */
export class PgCountyMemberLinks implements CountyMemberLinksPort {
  /** Its progress is the links runner's (which applies the links through this class). */
  readonly arrival: LinksArrival;

  constructor(
    private readonly pool: Pool,
    graceMs?: number,
  ) {
    this.arrival = new LinksArrival(graceMs);
  }

  apply(tx: SqlExecutor, event: CountyMemberLinkedEvent): Promise<void> {
    return applyCountyMemberLink(tx, event);
  }

  memberIds(countyClientId: string, ids: readonly string[]): Promise<CountyMemberIds> {
    return countyMemberIds(this.pool, countyClientId, ids);
  }

  awaitLinks(receivedAt: readonly Date[]): Promise<void> {
    return this.arrival.awaitLinks(receivedAt);
  }
}
