import { KekRing, newKek, pgSql } from '@vanguard/keys';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyMembers, countyOrganizations, mulberry32 } from '../src/infrastructure/seed/synthetic-region';
import type { TestSchema } from '@vanguard/testing';
import { isolatedOrganizationSchema } from './support/isolated-schema';

describe(BulkSeeder.name, () => {
  let db: TestSchema;
  let cipher: AesGcmPersonalDataCipher;

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_seed');
    cipher = await AesGcmPersonalDataCipher.load(pgSql(db.pool), { ring: new KekRing(newKek('kek-seed')), env: {} });
  });
  afterAll(() => db.drop());

  it('seeds the county shaped like seed 002, encrypted, with registrations in the outbox, and a second run adds nothing', async () => {
    const sut = new BulkSeeder(db.pool, cipher);
    const orgs = countyOrganizations(SONGLING);

    const first = { orgs: await sut.organizations(orgs), members: await sut.members(countyMembers(SONGLING, orgs), SONGLING.members) };
    const second = { orgs: await sut.organizations(orgs), members: await sut.members(countyMembers(SONGLING, orgs), SONGLING.members) };

    // The demo region already holds the county, both demo townships and 红石村, so 537 are new the first time.
    expect(first).toEqual({ orgs: 537, members: 13_378 });
    expect(second).toEqual({ orgs: 0, members: 0 });
    const { rows } = await db.pool.query(
      `select (select count(*)::int from organizations where path like '%/00000000-0000-4000-8000-000000910425/%') as subtree,
              (select count(*)::int from members) as members,
              (select count(*)::int from member_history) as history,
              (select count(distinct id_number_hash)::int from members) as distinct_ids,
              (select count(*)::int from vanguard_outbox where event_type = 'organization.OrganizationRegistered') as events,
              (select id_number_enc from members limit 1) as sample`,
    );
    expect(rows[0]).toMatchObject({ subtree: 541, members: 13_378, history: 13_378, distinct_ids: 13_378, events: 537 });
    expect(cipher.decrypt(rows[0].sample)).toMatch(/^910425\d{11}[\dX]$/);
  });

  it('gives every contact point a visit in each of the last two months, as seed 002 reports (每月深入基层均达到1次以上)', async () => {
    const sut = new BulkSeeder(db.pool, cipher);
    const orgs = countyOrganizations(SONGLING);
    await sut.organizations(orgs);
    const seeded = await sut.contactPoints(orgs, new Date('2026-06-15T04:00:00Z'), mulberry32(42));
    const { rows } = await db.pool.query<{ points: number; lastMonth: number; monthBefore: number; older: number }>(
      `select count(*)::int as points,
              count(*) filter (where v.last_month > 0)::int as "lastMonth",
              count(*) filter (where v.month_before > 0)::int as "monthBefore",
              coalesce(sum(v.older), 0)::int as older
         from contact_points c
         cross join lateral (
           select count(*) filter (where visited_on > date '2026-06-15' - 30 and visited_on <= date '2026-06-15') as last_month,
                  count(*) filter (where visited_on > date '2026-06-15' - 60 and visited_on <= date '2026-06-15' - 30) as month_before,
                  count(*) filter (where visited_on <= date '2026-06-15' - 60 or visited_on > date '2026-06-15') as older
             from contact_point_visits where contact_point_id = c.id) v`,
    );
    expect(seeded).toBeGreaterThan(500);
    expect(rows[0]).toEqual({ points: seeded, lastMonth: seeded, monthBefore: seeded, older: 0 });
  });
});
