import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { prepareOrganizationTestDatabase } from './support/organization-test-app';

const NO_LIMIT = 2_147_483_647;

/**
 * `reserve_id_number_checks` counts the window from per-minute sums (ADR 0083). Whatever mix of
 * enrolments, imports and import reservations a caller makes, the sums must be what the records
 * of the checks themselves add up to — the independent count the function used to take — and a
 * job's reservation must move its whole count to the current minute.
 */
describe('reserve_id_number_checks', () => {
  let db: Client;
  beforeAll(async () => {
    await prepareOrganizationTestDatabase();
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    await db.query('set search_path to organization');
  });
  afterAll(async () => {
    await db?.end();
  });

  const reserve = async (
    sub: string,
    r: { job: string; newRow: boolean; source: 'enrolment' | 'import'; ids: number; window?: number; idsLimit?: number },
  ) =>
    (
      await db.query<{ jobs: number; ids: number; granted: boolean }>(
        `select jobs, ids, granted from reserve_id_number_checks($1, $2, $3, $4, $5, $6, $7, null, false, $8, 0, $3)`,
        [sub, r.window ?? 60, NO_LIMIT, r.idsLimit ?? NO_LIMIT, r.job, r.newRow, r.source, r.ids],
      )
    ).rows[0]!;
  /** What the records of the caller's checks add up to, counted from the records themselves. */
  const recorded = async (sub: string, windowMinutes = 60) =>
    (
      await db.query<{ jobs: number; ids: number }>(
        `select (count(*) filter (where source = 'import'))::int as jobs, coalesce(sum(id_numbers), 0)::int as ids
           from id_number_checks where actor_sub = $1 and checked_at > clock_timestamp() - make_interval(mins => $2)`,
        [sub, windowMinutes],
      )
    ).rows[0]!;

  it('counts what the records add up to after any mix of enrolments, imports and their reservations', async () => {
    for (let round = 0; round < 5; round++) {
      const sub = `usage-${randomUUID()}`;
      const jobs: string[] = [];
      for (let i = 0; i < 60; i++) {
        const roll = Math.random();
        if (roll < 0.5) await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1 });
        else if (roll < 0.65 || jobs.length === 0) {
          const job = randomUUID();
          jobs.push(job);
          await reserve(sub, { job, newRow: true, source: 'import', ids: 0 });
        } else
          await reserve(sub, {
            job: jobs[Math.floor(Math.random() * jobs.length)]!,
            newRow: false,
            source: 'import',
            ids: 1 + Math.floor(Math.random() * 40),
          });
      }
      const seen = await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1 });
      // The usage the last reservation saw is everything before it.
      const before = await recorded(sub);
      expect({ jobs: seen.jobs, ids: seen.ids + 1 }).toEqual(before);
    }
  });

  it('moves an old job’s whole count into the window when it reserves again, and refuses past the limit', async () => {
    const sub = `usage-${randomUUID()}`;
    const job = randomUUID();
    await reserve(sub, { job, newRow: true, source: 'import', ids: 0 });
    await reserve(sub, { job, newRow: false, source: 'import', ids: 30 });
    // Two hours ago, in the record and in its minute, as the migration's backfill would have put it.
    await db.query(`update id_number_checks set checked_at = checked_at - interval '2 hours' where job_id = $1`, [job]);
    await db.query(`update id_number_check_usage set minute = minute - interval '2 hours' where actor_sub = $1`, [sub]);
    expect(await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1 })).toMatchObject({ jobs: 0, ids: 0 });
    await reserve(sub, { job, newRow: false, source: 'import', ids: 5 });
    expect(await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1 })).toMatchObject({ jobs: 1, ids: 36 });
    expect(await recorded(sub)).toEqual({ jobs: 1, ids: 37 });

    const refused = await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1, idsLimit: 37 });
    expect(refused).toEqual({ jobs: 1, ids: 37, granted: false });
    expect(await recorded(sub)).toEqual({ jobs: 1, ids: 37 });
  });

  it('never counts less than the records: a check just inside the window counts whatever minute it fell in', async () => {
    for (const secondsAgo of [59 * 60 + 1, 59 * 60 + 59, 60 * 60 - 5]) {
      const sub = `usage-${randomUUID()}`;
      await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1 });
      // Moved back in the record and in its minute alike, as if it had been made `secondsAgo` ago.
      await db.query(`update id_number_checks set checked_at = clock_timestamp() - make_interval(secs => $2) where actor_sub = $1`, [
        sub,
        secondsAgo,
      ]);
      await db.query(
        `update id_number_check_usage u set minute = date_trunc('minute', c.checked_at)
           from id_number_checks c where c.actor_sub = u.actor_sub and u.actor_sub = $1`,
        [sub],
      );
      const seen = await reserve(sub, { job: randomUUID(), newRow: true, source: 'enrolment', ids: 1 });
      expect({ secondsAgo, ids: seen.ids }).toEqual({ secondsAgo, ids: 1 });
    }
  });
});
