import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import type { Actor } from '../src/application/ports/actor';
import { IdNumberChecksExhaustedError, type IdNumberCheckLimits } from '../src/application/roster/id-number-checks';
import { csvLine } from '@vanguard/spreadsheet';
import { PgIdNumberChecks } from '../src/infrastructure/roster/pg-id-number-checks';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { MEMBER_HEADER, type ImportJob } from './support/roster-fixtures';
import { ID_NUMBERS_PER_REGION, idNumberAt } from './support/id-numbers';

const NUMBERS_PER_WINDOW = 6_000;
const HOLDS_PER_WINDOW = 3;
const BAIHUA = demoOrgId('910425101');
const HEKOU_COUNTY = demoOrgId('910426');

/**
 * The ID-number budget (ADR 0011) is reserved before the checks are made, batch by batch,
 * one reservation of a user at a time: no import, enrolment or mix of them in parallel
 * checks more than the window allows, and every job records what it checked, however it ends.
 */
describe('the ID-number check budget', () => {
  let db: TestSchema;
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());
  const saved = { ...process.env };
  let villageCode: string;
  let offset = Math.floor(Math.random() * ID_NUMBERS_PER_REGION);
  const idNumbers = (n: number) => Array.from({ length: n }, () => idNumberAt('320101', offset++));
  const rows = (ids: readonly string[]) => ids.map((id) => csvLine([villageCode, '候选人', 'full', '2001-07-01', '', '', id, '']));

  const dryRun = async (user: string, lines: readonly string[]): Promise<ImportJob> => {
    const res = await http()
      .post('/imports/members')
      .query({ format: 'csv', dryRun: 'true' })
      .set(as(user))
      .set('Content-Type', 'text/csv')
      .send([csvLine(MEMBER_HEADER), ...lines].join(''));
    expect(res.status).toBe(202);
    const id = (res.body as { id: string }).id;
    return waitUntil<ImportJob>(`import ${id} to finish`, async () => {
      const body = (await http().get(`/imports/${id}`).set(as(user))).body as ImportJob;
      return body.status === 'queued' || body.status === 'running' ? undefined : body;
    });
  };
  /** ID numbers of active members in another county: outside every caller of these tests. */
  const registeredElsewhere = async (n: number): Promise<string[]> => {
    const ids = idNumbers(n);
    for (const idNumber of ids) {
      const res = await http()
        .post('/members')
        .set(as('province.organizer'))
        .send({ orgId: HEKOU_COUNTY, name: '外县党员', status: 'full', joinedOn: '2001-07-01', idNumber });
      expect(res.status).toBe(201);
    }
    return ids;
  };
  const realImport = async (user: string, lines: readonly string[]): Promise<ImportJob> => {
    const res = await http()
      .post('/imports/members')
      .query({ format: 'csv', dryRun: 'false' })
      .set(as(user))
      .set('Content-Type', 'text/csv')
      .send([csvLine(MEMBER_HEADER), ...lines].join(''));
    expect(res.status).toBe(202);
    const id = (res.body as { id: string }).id;
    return waitUntil<ImportJob>(`import ${id} to finish`, async () => {
      const body = (await http().get(`/imports/${id}`).set(as(user))).body as ImportJob;
      return body.status === 'queued' || body.status === 'running' ? undefined : body;
    });
  };
  const recorded = async (jobId: string) =>
    (
      await db.pool.query<{ id_numbers: number; finished: boolean }>(
        `select id_numbers, finished_at is not null as finished from id_number_checks where job_id = $1`,
        [jobId],
      )
    ).rows[0];

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('id_budget');
    process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'] = '1000';
    process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'] = String(NUMBERS_PER_WINDOW);
    process.env['ORGANIZATION_ID_CHECK_HOLDS_PER_WINDOW'] = String(HOLDS_PER_WINDOW);
    sut = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema });
    for (const u of ['county.organizer', 'township.secretary', 'province.organizer']) tokens[u] = await tokenFor(u);
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode('910425101'),
        name: '额度测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    villageCode = res.body.code as string;
  });
  afterAll(async () => {
    process.env = saved;
    await sut?.close();
    await db?.drop();
  });

  it('one import with more ID numbers than the window allows stops at the budget: refused with the reason, and what it checked is within it', async () => {
    // 7,000 numbers: the first batch (5,000) fits the 6,000, the second does not.
    const job = await dryRun('township.secretary', rows(idNumbers(7_000)));

    expect(job.status).toBe('rejected');
    expect(job.message).toMatch(/ID-number checks of this window are used up/);
    expect(await recorded(job.id)).toEqual({ id_numbers: 5_000, finished: true });
  });

  it('an import refused after it checked a batch records that batch, not 0', async () => {
    // 5,001 good rows, then a line the CSV reader refuses: the first batch was checked before the refusal.
    const job = await dryRun('county.organizer', [...rows(idNumbers(5_001)), 'a,"abc"x,z\r\n']);

    expect(job.status).toBe('rejected');
    expect(job.message).toMatch(/malformed quoting/);
    expect(await recorded(job.id)).toEqual({ id_numbers: 5_000, finished: true });
  });

  it('parallel enrolment checks never pass the budget (randomised, many rounds)', async () => {
    const limits: IdNumberCheckLimits = { jobsPerWindow: 1000, idNumbersPerWindow: 7, holdsPerWindow: 1000, windowMinutes: 60 };
    const checks = new PgIdNumberChecks(() => db.pool, limits);
    for (let round = 0; round < 15; round++) {
      const actor: Actor = { sub: `budget-${randomUUID()}`, username: 'b', roles: ['branch_secretary'], orgId: BAIHUA, kind: 'user' };
      const tries = 8 + Math.floor(Math.random() * 25);
      const outcomes = await Promise.allSettled(
        Array.from({ length: tries }, async () => {
          await new Promise((r) => setImmediate(r, Math.random()));
          return checks.checkEnrolment(randomUUID(), actor, randomUUID());
        }),
      );
      const granted = outcomes.filter((o) => o.status === 'fulfilled').length;
      const { rows } = await db.pool.query<{ n: number }>(
        `select coalesce(sum(id_numbers), 0)::int as n from id_number_checks where actor_sub = $1`,
        [actor.sub],
      );

      expect(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof IdNumberChecksExhaustedError)).toBe(true);
      expect(granted).toBe(Math.min(tries, limits.idNumbersPerWindow));
      expect(rows[0]!.n).toBe(granted);
    }
  });

  it('parallel imports and enrolments of one user, in random sizes and order, never check more than the budget and record exactly what they checked', async () => {
    const limits: IdNumberCheckLimits = { jobsPerWindow: 4, idNumbersPerWindow: 60, holdsPerWindow: 1000, windowMinutes: 60 };
    const checks = new PgIdNumberChecks(() => db.pool, limits);
    /** What was granted before the budget said no; anything but the budget's refusal fails the test. */
    const untilRefused = async (steps: readonly (() => Promise<number>)[]): Promise<number> => {
      let granted = 0;
      try {
        for (const step of steps) granted += await step();
      } catch (e) {
        if (!(e instanceof IdNumberChecksExhaustedError)) throw e;
      }
      return granted;
    };
    for (let round = 0; round < 15; round++) {
      const actor: Actor = { sub: `budget-${randomUUID()}`, username: 'b', roles: ['branch_secretary'], orgId: BAIHUA, kind: 'user' };
      const importJob = async (): Promise<number> => {
        const jobId = randomUUID();
        const batches = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => 1 + Math.floor(Math.random() * 20));
        const opened = { yes: false };
        const granted = await untilRefused([
          async () => {
            await checks.open(jobId, actor, Math.random() < 0.5);
            opened.yes = true;
            return 0;
          },
          ...batches.map((n) => async () => {
            await checks.reserveForJob(jobId, actor, n);
            return n;
          }),
        ]);
        if (opened.yes) await checks.close(jobId, 0);
        return granted;
      };
      const enrolment = () =>
        untilRefused([
          async () => {
            await checks.checkEnrolment(randomUUID(), actor, randomUUID());
            return 1;
          },
        ]);
      const work = Array.from({ length: 6 + Math.floor(Math.random() * 20) }, () => (Math.random() < 0.4 ? importJob : enrolment));
      const granted = (await Promise.all(work.map((fn) => fn()))).reduce((a, b) => a + b, 0);
      const { rows } = await db.pool.query<{ ids: number; jobs: number }>(
        `select coalesce(sum(id_numbers), 0)::int as ids, (count(*) filter (where source = 'import'))::int as jobs from id_number_checks where actor_sub = $1`,
        [actor.sub],
      );

      expect(rows[0]!.ids).toBeLessThanOrEqual(limits.idNumbersPerWindow);
      expect(rows[0]!.jobs).toBeLessThanOrEqual(limits.jobsPerWindow);
      expect(rows[0]!.ids).toBe(granted);
    }
  });

  it('a real import may hold a window’s rows for review and no more: past them it is refused, nothing of it is written, and every later check of that user is refused alike', async () => {
    const elsewhere = await registeredElsewhere(4);
    const members = async () =>
      (
        await db.pool.query<{ n: number }>(
          `select count(*)::int as n from members m join organizations o on o.id = m.org_id where o.code = $1`,
          [villageCode],
        )
      ).rows[0]!.n;

    const first = await realImport('county.organizer', rows([elsewhere[0]!, elsewhere[1]!, ...idNumbers(1)]));
    expect(first).toMatchObject({ status: 'succeeded', rowsImported: 3 });
    const before = await members();
    const second = await realImport('county.organizer', rows([elsewhere[2]!, ...idNumbers(1), elsewhere[3]!]));

    expect(second.status).toBe('rejected');
    expect(second.message).toMatch(/ID-number checks of this window are used up/);
    expect(await members()).toBe(before);
    const holds = await db.pool.query<{ job_id: string }>(`select job_id from id_number_review_holds where job_id = any($1::uuid[])`, [
      [first.id, second.id],
    ]);
    expect(holds.rows.map((r) => r.job_id)).toEqual([first.id, first.id]);
    // Whatever the number, a fresh one or one registered elsewhere, the answer is now the same refusal.
    const enrol = (idNumber: string) =>
      http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: BAIHUA, name: '候选人', status: 'full', joinedOn: '2001-07-01', idNumber });
    const fresh = await enrol(idNumbers(1)[0]!);
    const known = await enrol(elsewhere[0]!);
    expect([fresh.status, known.status]).toEqual([429, 429]);
    const { correlationId: _a, ...freshAnswer } = fresh.body as Record<string, unknown>;
    const { correlationId: _b, ...knownAnswer } = known.body as Record<string, unknown>;
    expect(freshAnswer).toEqual(knownAnswer);
    const flags = await db.pool.query(
      `select held from id_number_probe_flags where actor_sub = (select actor_sub from id_number_checks where job_id = $1)`,
      [first.id],
    );
    expect(flags.rows).toEqual([{ held: 2 }]);
  });

  it('parallel enrolments of numbers registered elsewhere and fresh ones never hold more than the window allows, and once it is spent refuse every number (randomised, many rounds)', async () => {
    const elsewhere = await registeredElsewhere(3);
    const { rows: hashRows } = await db.pool.query<{ h: string }>(
      `select m.id_number_hash as h from members m where m.org_id = $1 and m.membership = 'active' and m.id_number_hash is not null`,
      [HEKOU_COUNTY],
    );
    const known = hashRows.map((r) => r.h);
    expect(known.length).toBeGreaterThanOrEqual(elsewhere.length);
    for (let round = 0; round < 15; round++) {
      const holdsPerWindow = 1 + Math.floor(Math.random() * 4);
      const checks = new PgIdNumberChecks(() => db.pool, {
        jobsPerWindow: 1000,
        idNumbersPerWindow: 1000,
        holdsPerWindow,
        windowMinutes: 60,
      });
      const actor: Actor = { sub: `holds-${randomUUID()}`, username: 'h', roles: ['branch_secretary'], orgId: BAIHUA, kind: 'user' };
      const hashes = Array.from({ length: 4 + Math.floor(Math.random() * 20) }, () =>
        Math.random() < 0.6 ? known[Math.floor(Math.random() * known.length)]! : randomUUID(),
      );
      const outcomes = await Promise.allSettled(
        hashes.map(async (h) => {
          await new Promise((r) => setImmediate(r, Math.random()));
          return checks.checkEnrolment(randomUUID(), actor, h);
        }),
      );
      const granted = outcomes.filter(
        (o): o is PromiseFulfilledResult<Awaited<ReturnType<typeof checks.checkEnrolment>>> => o.status === 'fulfilled',
      );
      const heldGranted = granted.filter((o) => o.value !== null).length;
      const { rows } = await db.pool.query<{ held: number }>(
        `select coalesce(sum(held), 0)::int as held from id_number_checks where actor_sub = $1`,
        [actor.sub],
      );

      expect(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof IdNumberChecksExhaustedError)).toBe(true);
      expect(heldGranted).toBeLessThanOrEqual(holdsPerWindow);
      expect(rows[0]!.held).toBe(heldGranted);
      // Refused only once the holds were spent; then every number alike, a fresh one too.
      if (heldGranted < holdsPerWindow) expect(granted.length).toBe(hashes.length);
      else await expect(checks.checkEnrolment(randomUUID(), actor, randomUUID())).rejects.toBeInstanceOf(IdNumberChecksExhaustedError);
    }
  });
});
