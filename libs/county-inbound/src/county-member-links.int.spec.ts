import { randomUUID } from 'node:crypto';
import type { CountyMemberLinkedEvent } from '@vanguard/contracts';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import {
  applyCountyMemberLink,
  countyMemberIds,
  countyMemberLinksTakeOverMigration,
  linkedPlatformMembers,
  unlinkedMember,
} from './county-member-links';

// A service's copy of the county links on real Postgres (the table as evaluation and assistance create it).
describe('applyCountyMemberLink (real Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('county_links');
    await db.pool.query(`
      create table county_member_links (
        county_client_id text not null, county_member_id uuid not null, member_id uuid not null, org_id uuid not null,
        linked_at timestamptz not null, source_stream text not null, source_version bigint not null,
        primary key (county_client_id, county_member_id))`);
    await new (countyMemberLinksTakeOverMigration(1))().up(db.pool as never);
  });

  afterAll(() => db?.drop());

  const linked = (countyClientId: string, countyMemberId: string, memberId: string, streamVersion: number) =>
    ({
      eventId: randomUUID(),
      type: 'organization.CountyMemberLinked',
      version: 1,
      streamId: `member-${memberId}`,
      streamVersion,
      occurredAt: new Date().toISOString(),
      data: { countyClientId, countyMemberId, memberId, orgId: randomUUID() },
    }) as unknown as CountyMemberLinkedEvent;

  it('a take-over (a later link of the member) ends the other county’s link; the older link redelivered does not bring it back', async () => {
    const [member, songlingId] = [randomUUID(), randomUUID()];
    const first = linked('county-songling', songlingId, member, 2);
    await applyCountyMemberLink(db.pool, first);
    expect(await linkedPlatformMembers(db.pool, 'county-songling', [songlingId])).toEqual(new Map([[songlingId, member]]));

    await applyCountyMemberLink(db.pool, linked('county-hekou', member, member, 7));
    await applyCountyMemberLink(db.pool, first);
    expect(await linkedPlatformMembers(db.pool, 'county-songling', [songlingId])).toEqual(new Map());
    expect(await linkedPlatformMembers(db.pool, 'county-hekou', [member])).toEqual(new Map([[member, member]]));
  });

  it('the ended link’s county id is answered COUNTY.MEMBER_TAKEN_OVER naming the county that took him, a never linked one COUNTY.MEMBER_UNKNOWN', async () => {
    const [member, songlingId, nobody] = [randomUUID(), randomUUID(), randomUUID()];
    await applyCountyMemberLink(db.pool, linked('county-songling', songlingId, member, 1));
    await applyCountyMemberLink(db.pool, linked('county-hekou', member, member, 4));

    const ids = await countyMemberIds(db.pool, 'county-songling', [songlingId, nobody]);
    expect(ids.linked).toEqual(new Map());
    expect(unlinkedMember(ids, songlingId)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_TAKEN_OVER' });
    expect(unlinkedMember(ids, songlingId)).toMatchObject({ reason: expect.stringContaining('county-hekou') });
    expect(unlinkedMember(ids, nobody)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_UNKNOWN' });
  });

  it('a member taken over twice (A → B → C) is answered to A as held by C, the county that holds him now', async () => {
    const [member, songlingId, hekouId, thirdId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await applyCountyMemberLink(db.pool, linked('county-songling', songlingId, member, 1));
    await applyCountyMemberLink(db.pool, linked('county-hekou', hekouId, member, 3));
    await applyCountyMemberLink(db.pool, linked('county-third', thirdId, member, 5));

    for (const [county, id] of [
      ['county-songling', songlingId],
      ['county-hekou', hekouId],
    ] as const) {
      const ids = await countyMemberIds(db.pool, county, [id]);
      expect(unlinkedMember(ids, id)).toMatchObject({ code: 'COUNTY.MEMBER_TAKEN_OVER', reason: expect.stringContaining('county-third') });
    }
    expect(await linkedPlatformMembers(db.pool, 'county-third', [thirdId])).toEqual(new Map([[thirdId, member]]));
  });
});
