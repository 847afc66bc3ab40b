import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { parsePeriod, quartersOf, type Period } from '../src/domain/period';
import { ProjectionRunner } from '../src/infrastructure/projection/projection.runner';
import { RPT_ORG_TABLE } from '../src/infrastructure/projection/projection-handlers';
import { rebuildReporting } from '../src/infrastructure/projection/rebuild';
import { SqlBreakdownReadModel } from '../src/infrastructure/sql-breakdown.read-model';
import { SqlFiguresReadModel } from '../src/infrastructure/sql-figures.read-model';
import {
  TOPICS,
  TestPublisher,
  deedDone,
  deedMoved,
  deedRedated,
  fieldWork,
  memberState,
  migrateReporting,
  orgState,
  pledgeMade,
  publicity,
  type TestOrg,
} from './support/reporting-events';
import { totalsDrift } from './support/totals-drift';

const year: Period = parsePeriod('2026')!;

describe('reporting projections (real Postgres and Kafka)', () => {
  let db: TestSchema;
  let runner: ProjectionRunner;
  let publisher: TestPublisher;
  let sut: SqlFiguresReadModel;
  let prefix: string;
  const county: TestOrg = { id: randomUUID(), parentId: null, path: [], code: '91', name: '测试旗委', level: 'county' };
  const town: TestOrg = { id: randomUUID(), parentId: county.id, path: [], code: '9101', name: '测试镇党委', level: 'township' };
  const village: TestOrg = { id: randomUUID(), parentId: town.id, path: [], code: '910101', name: '测试村党支部', level: 'village' };
  const otherTown: TestOrg = { id: randomUUID(), parentId: county.id, path: [], code: '9102', name: '另一镇党委', level: 'township' };
  Object.assign(county, { path: [county.id] });
  Object.assign(town, { path: [county.id, town.id] });
  Object.assign(village, { path: [county.id, town.id, village.id] });
  Object.assign(otherTown, { path: [county.id, otherTown.id] });

  beforeAll(async () => {
    db = await createTestSchema('reporting_projection');
    await migrateReporting(db.pool);
    prefix = testTopicPrefix('reporting-int');
    runner = new ProjectionRunner(db.pool, new ScopeService({ table: RPT_ORG_TABLE }), {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId: `reporting-int-${randomUUID()}`,
      topicPrefix: prefix,
    });
    await runner.onApplicationBootstrap();
    await runner.start();
    publisher = new TestPublisher(prefix);
    sut = new SqlFiguresReadModel(db.pool);
  });

  afterAll(async () => {
    await publisher?.close();
    await runner?.onModuleDestroy();
    await db?.drop();
  });

  it('computes each figure per subtree and period from the events, lists the events behind it, and counts a redelivery once', async () => {
    // Leaves first: a fact whose organisation arrives later is counted once the tree knows it.
    const inVillage = pledgeMade(village.id, '2026-05-10T02:00:00.000Z');
    const inVillageQ4 = pledgeMade(village.id, '2026-10-02T02:00:00.000Z');
    const elsewhere = pledgeMade(otherTown.id, '2026-05-11T02:00:00.000Z');
    const deed = deedDone(village.id, 6);
    await publisher.publish(TOPICS.evaluation, inVillage, inVillageQ4, elsewhere, inVillage);
    await publisher.publish(TOPICS.assistance, deed, deed);
    await publisher.publish(TOPICS.memberState, memberState(village.id), memberState(village.id), memberState(otherTown.id));
    await publisher.publish(
      TOPICS.orgState,
      orgState(county),
      orgState(town, 2, { name: '测试镇党委（新）', contactPoints: 2 }),
      orgState(town, 1), // an older state arriving late changes nothing
      orgState(village),
      orgState(otherTown),
    );

    const figures = await waitUntil(
      'the township figures',
      async () => {
        const f = await sut.figures(town.id, year);
        return f.get('pledges_made')?.value === 2 && f.get('members')?.value === 2 && f.get('deeds')?.value === 1 ? f : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(figures.get('households_helped')?.value).toBe(6);
    expect(figures.get('organizations')?.value).toBe(2);
    expect(figures.get('contact_points')?.value).toBe(2);
    // No event fed it: null, shown as 暂无数据, not 0.
    expect(figures.get('comments')).toEqual({ key: 'comments', value: null, events: 0 });
    expect((await sut.org(town.id))?.name).toBe('测试镇党委（新）');

    const q2 = await sut.figures(town.id, parsePeriod('2026-Q2')!);
    expect(q2.get('pledges_made')?.value).toBe(1);
    expect((await sut.figures(county.id, year)).get('pledges_made')?.value).toBe(3);
    // A series is one statement over the quarters; each point is what figures() gives for that quarter.
    const points = async (figure: string) => (await sut.series(town.id, figure, quartersOf(year))).map((v) => [v.value, v.events]);
    expect(await points('pledges_made')).toEqual([
      [null, 0],
      [1, 1],
      [null, 0],
      [1, 1],
    ]);
    expect(await points('members')).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    const below = await new SqlBreakdownReadModel(db.pool).below(county.id, 1, year);
    expect(below.map((r) => [r.code, r.figures.get('pledges_made')?.value, r.figures.get('members')?.value])).toEqual([
      ['9101', 2, 2],
      ['9102', 1, 1],
    ]);

    // A page at a time: the cursor of the first page leads to the second, and the last says so.
    const first = await sut.trace('pledges_made', town.id, year, { limit: 1, timeoutMs: 10_000 });
    expect(first.next).not.toBeNull();
    const second = await sut.trace('pledges_made', town.id, year, { limit: 1, after: first.next!, timeoutMs: 10_000 });
    expect([...first.events, ...second.events].map((e) => e.eventId)).toEqual([inVillage.eventId, inVillageQ4.eventId]);
    expect(second.next).toBeNull();
    expect((await sut.trace('deeds', town.id, year, { limit: 100, timeoutMs: 10_000 })).events.map((e) => e.eventId)).toEqual([
      deed.eventId,
    ]);
  });

  it("counts evaluation's field work — window services, inspections, monthly reviews, training — per subtree, each figure tracing its events", async () => {
    const classId = randomUUID();
    const window = fieldWork.windowServicesCounted(village.id);
    const inspection = fieldWork.inspectionLaunched(town.id, [village.id]);
    const inspectionFindings = fieldWork.inspectionFindingsRecorded(village.id);
    const round = fieldWork.monthlyReviewConcluded(town.id, [village.id, town.id]);
    const opened = fieldWork.trainingClassOpened(town.id, classId);
    const enrolled = fieldWork.traineesEnrolled(town.id, classId, 3);
    const elsewhere = fieldWork.trainingClassOpened(otherTown.id, randomUUID());
    await publisher.publish(TOPICS.evaluation, window, inspection, inspectionFindings, round, opened, enrolled, elsewhere, window);

    const figures = await waitUntil(
      'the field-work figures of the township',
      async () => {
        const f = await sut.figures(town.id, year);
        return f.get('trainees')?.value === 3 && f.get('window_services_given')?.value === 42 ? f : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const value = (key: string) => figures.get(key)?.value;
    expect([value('window_home_services'), value('window_services_on_behalf')]).toEqual([3, null]); // a kind not counted: 暂无数据
    expect([value('inspections'), value('units_inspected'), value('inspection_findings')]).toEqual([1, 1, 2]);
    expect(value('findings')).toBe(2); // inspection findings are shortcomings found like a comment's
    expect([value('monthly_reviews'), value('units_reviewed')]).toEqual([1, 2]);
    expect([value('training_classes'), value('trainees'), value('trainees_completed')]).toEqual([1, 3, null]);
    expect((await sut.figures(county.id, year)).get('training_classes')?.value).toBe(2);

    const traced = async (figure: string) =>
      (await sut.trace(figure, town.id, year, { limit: 100, timeoutMs: 10_000 })).events.map((e) => e.eventId);
    expect(await traced('window_services_given')).toEqual([window.eventId]);
    expect(await traced('inspections')).toEqual([inspection.eventId]);
    expect(await traced('inspection_findings')).toEqual([inspectionFindings.eventId]);
    expect(await traced('monthly_reviews')).toEqual([round.eventId]);
    expect(await traced('training_classes')).toEqual([opened.eventId]);
    expect(await traced('trainees')).toEqual([enrolled.eventId]);
  });

  it("counts publicity's articles by media level and its exemplars per subtree, each figure tracing its events", async () => {
    const central = publicity.articlePublished(village.id, 'central');
    const countyPaper = publicity.articlePublished(town.id, 'county');
    const unit = publicity.exemplarPublished(village.id, 'organization');
    const person = publicity.exemplarPublished(village.id, 'member');
    const elsewhere = publicity.articlePublished(otherTown.id, 'provincial');
    await publisher.publish(TOPICS.publicity, central, countyPaper, unit, person, elsewhere, central);

    const figures = await waitUntil(
      'the publicity figures of the township',
      async () => {
        const f = await sut.figures(town.id, year);
        return f.get('articles_published')?.value === 2 && f.get('exemplars')?.value === 2 ? f : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const value = (key: string) => figures.get(key)?.value;
    expect([value('articles_municipal_up'), value('articles_central'), value('articles_county')]).toEqual([1, 1, 1]);
    expect(value('articles_provincial')).toBeNull(); // only the other township's: 暂无数据 here
    expect([value('exemplar_units'), value('exemplar_individuals')]).toEqual([1, 1]);
    expect((await sut.figures(county.id, year)).get('articles_published')?.value).toBe(3);

    const traced = async (figure: string) =>
      (await sut.trace(figure, town.id, year, { limit: 100, timeoutMs: 10_000 })).events.map((e) => e.eventId).sort();
    expect(await traced('articles_municipal_up')).toEqual([central.eventId]);
    expect(await traced('exemplars')).toEqual([unit.eventId, person.eventId].sort());
  });

  it('deletes the projected member or organisation when its state topic carries a tombstone with organization’s signed removal, so it stops counting', async () => {
    const branch: TestOrg = { id: randomUUID(), parentId: county.id, path: [], code: '9103', name: '将撤销的支部', level: 'village' };
    Object.assign(branch, { path: [county.id, branch.id] });
    const stays = randomUUID();
    const purged = randomUUID();
    await publisher.publish(TOPICS.orgState, orgState(branch));
    await publisher.publish(TOPICS.memberState, memberState(branch.id, stays), memberState(branch.id, purged));
    await waitUntil('the branch and its two members', async () => (await sut.figures(branch.id, year)).get('members')?.value === 2, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });

    await publisher.removal(TOPICS.memberState, `member-${purged}`, 2);
    const members = async () => (await sut.figures(branch.id, year)).get('members')?.value;
    await waitUntil('the purged member to stop counting', async () => (await members()) === 1, { timeoutMs: 30_000, intervalMs: 100 });

    await publisher.removal(TOPICS.orgState, `organization-${branch.id}`, 2);
    await waitUntil('the purged organisation to leave the tree', async () => (await sut.org(branch.id)) === undefined, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const countyOrgs = (await sut.figures(county.id, year)).get('organizations')?.value;
    // Town, village and other town: not the purged branch, nor the county's committee (a local committee, not 基层党组织).
    expect(countyOrgs).toBe(3);
  });

  it('counts a deed a county moved to another village out of the first and into the second, once however often it arrives', async () => {
    const before = {
      town: await sut.figures(town.id, year),
      otherTown: await sut.figures(otherTown.id, year),
      county: await sut.figures(county.id, year),
    };
    const deed = deedDone(village.id, 4);
    const moved = deedMoved(deed, otherTown.id, 9);
    await publisher.publish(TOPICS.assistance, deed, moved, moved);
    const otherTownNow = await waitUntil(
      'the moved deed to count in the other township',
      async () => {
        const f = await sut.figures(otherTown.id, year);
        return f.get('deeds')?.value === (before.otherTown.get('deeds')?.value ?? 0) + 1 ? f : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(otherTownNow.get('households_helped')?.value).toBe((before.otherTown.get('households_helped')?.value ?? 0) + 9);
    const townNow = await sut.figures(town.id, year);
    // In the township it left: the deed and its households out again, the two events traced.
    expect([townNow.get('deeds')?.value, townNow.get('households_helped')?.value]).toEqual([
      before.town.get('deeds')?.value,
      before.town.get('households_helped')?.value,
    ]);
    expect(townNow.get('deeds')?.events).toBe(before.town.get('deeds')!.events + 2);
    expect((await sut.trace('deeds', otherTown.id, year, { limit: 100, timeoutMs: 10_000 })).events.map((e) => e.eventId)).toEqual([
      moved.eventId,
    ]);
    // Above both villages the move is one event with two rows: counted once, listed once, adding nothing.
    const countyNow = await sut.figures(county.id, year);
    expect(countyNow.get('deeds')?.events).toBe(before.county.get('deeds')!.events + 2);
    expect(countyNow.get('deeds')?.value).toBe((before.county.get('deeds')?.value ?? 0) + 1);
    const traced = (await sut.trace('deeds', county.id, year, { limit: 5_000, timeoutMs: 10_000 })).events;
    expect(traced.filter((e) => e.eventId === moved.eventId)).toEqual([expect.objectContaining({ amount: 0 })]);
    expect(traced.filter((e) => e.eventId === deed.eventId)).toEqual([expect.objectContaining({ amount: 1 })]);
    expect(await totalsDrift(db.pool)).toEqual([]);
  });

  it('files a deed on the day it was done, and a correction of that day moves it there, into last year, once however often it arrives (ADR 0106)', async () => {
    const lastYear = parsePeriod('2025')!;
    const deeds = async (period: Period) => {
      const f = await sut.figures(village.id, period);
      return [f.get('deeds')?.value ?? 0, f.get('households_helped')?.value ?? 0];
    };
    const before = { thisYear: await deeds(year), lastYear: await deeds(lastYear) };
    const deed = deedDone(village.id, 5); // done on 2026-05-10
    const redated = deedRedated(deed, '2025-12-20');
    await publisher.publish(TOPICS.assistance, deed, redated, redated);
    await waitUntil('the deed to count in 2025', async () => (await deeds(lastYear))[0] === before.lastYear[0]! + 1, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(await deeds(lastYear)).toEqual([before.lastYear[0]! + 1, before.lastYear[1]! + 5]);
    // Out of 2026 again: filed there by its DeedDone, taken out by the correction.
    expect(await deeds(year)).toEqual(before.thisYear);
    const trace = (await sut.trace('deeds', village.id, lastYear, { limit: 100, timeoutMs: 10_000 })).events;
    expect(trace.map((e) => [e.eventId, e.amount])).toEqual([[redated.eventId, 1]]);
    // Listed under the day it counts on, beside the day it was recorded: the period selects by the first.
    expect(trace.map((e) => [e.filedOn, e.occurredAt])).toEqual([['2025-12-20', '2026-06-01T02:00:00.000Z']]);
    const thisYear = (await sut.trace('deeds', village.id, year, { limit: 5_000, timeoutMs: 10_000 })).events;
    const filed = (id: string) => thisYear.filter((e) => e.eventId === id).map((e) => [e.amount, e.filedOn]);
    expect([filed(deed.eventId), filed(redated.eventId)]).toEqual([[[1, '2026-05-10']], [[-1, '2026-05-10']]]);
    expect(await totalsDrift(db.pool)).toEqual([]);
  });

  it('rebuilds the projections and their subtree totals from the topics into shadows and swaps them in, the live consumer writing on into the new tables', async () => {
    const before = await sut.figures(county.id, year);
    // One connection, so the statements it prepared before the swap are the ones read through after it (ADR 0096).
    const one = new Pool({ connectionString: db.url, max: 1 });
    const breakdown = new SqlBreakdownReadModel(one);
    const figuresOnOne = new SqlFiguresReadModel(one);
    const townsBefore = await breakdown.below(county.id, 1, year);
    expect(await figuresOnOne.figures(county.id, year)).toEqual(before);
    // Damage the live tables as a projection bug would: a fact no event produced, a fact lost.
    await db.pool.query(`insert into rpt_fact select gen_random_uuid(), 'visits', 'x', 'x', $1, '2026-06-01', now(), 99, 1`, [village.id]);
    await db.pool.query(`delete from rpt_fact where figure = 'deeds'`);
    expect((await sut.figures(county.id, year)).get('visits')?.value).toBe(99);
    // And the subtree totals themselves, as a bug writing them would.
    await db.pool.query(`update rpt_fact_total set amount = amount + 7 where anc_id = $1 and figure = 'pledges_made'`, [town.id]);
    await db.pool.query(`update rpt_roster_total set members = members + 3 where anc_id = $1`, [county.id]);
    expect(await totalsDrift(db.pool)).not.toEqual([]);

    const progress: [number, number][] = [];
    const report = await rebuildReporting(db.pool, {
      brokers: infraConfig().kafkaBrokers,
      topicPrefix: prefix,
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(await sut.figures(county.id, year)).toEqual(before);
    expect(await breakdown.below(county.id, 1, year)).toEqual(townsBefore);
    expect(await figuresOnOne.figures(county.id, year)).toEqual(before);
    await one.end();
    expect(await totalsDrift(db.pool)).toEqual([]);
    expect(report.records).toBeGreaterThanOrEqual(14);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    const indexes = await db.pool.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = current_schema() and tablename = 'rpt_fact'`,
    );
    expect(indexes.rows.map((r) => r.indexname).sort()).toEqual([
      'rpt_fact_figure_day_idx',
      'rpt_fact_org_day_idx',
      'rpt_fact_pkey',
      'rpt_fact_type_day_idx',
    ]);

    await publisher.publish(TOPICS.assistance, deedDone(village.id, 1));
    await waitUntil(
      'the live consumer to count into the swapped-in table',
      async () => (await sut.figures(town.id, year)).get('deeds')?.value === 2,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    expect(await totalsDrift(db.pool)).toEqual([]);
  });
});
