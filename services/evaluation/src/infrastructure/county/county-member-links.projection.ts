import type { Pool } from 'pg';
import type { CountyMemberLinkedEvent } from '@vanguard/contracts';
import { applyCountyMemberLink, linkedPlatformMembers } from '@vanguard/county-inbound';
import type { SqlExecutor } from '@vanguard/messaging';
import type { CountyMemberLinksPort } from '../../application/county/county-member-links.port';

/**
 * `county_member_links`: evaluation's copy of the organization service's mapping from a county
 * system's member ids to platform members (libs/county-inbound applies and reads it).
 */
export class PgCountyMemberLinks implements CountyMemberLinksPort {
  constructor(private readonly pool: Pool) {}

  apply(tx: SqlExecutor, event: CountyMemberLinkedEvent): Promise<void> {
    return applyCountyMemberLink(tx, event);
  }

  platformIds(countyClientId: string, countyMemberIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return linkedPlatformMembers(this.pool, countyClientId, countyMemberIds);
  }
}
