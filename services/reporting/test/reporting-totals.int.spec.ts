import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { serviceEventVerifier, signWithDevelopmentKey } from '@vanguard/auth';
import { MemberState, OrganizationState, type EventEnvelope } from '@vanguard/contracts';
import { DeferredWrites } from '@vanguard/messaging';
import { createTestSchema, seededRandom, type TestSchema } from '@vanguard/testing';
import { parsePeriod } from '../src/domain/period';
import { applyTombstone, reportingHandlers } from '../src/infrastructure/projection/projection-handlers';
import { stateTopics } from '../src/infrastructure/projection/source-topics';
import { SqlBreakdownReadModel } from '../src/infrastructure/sql-breakdown.read-model';
import { SqlFiguresReadModel } from '../src/infrastructure/sql-figures.read-model';
import { deedDone, envelope, migrateReporting, pledgeMade, removalHeaders, stateRemoval, type TestOrg } from './support/reporting-events';
import { totalsDrift } from './support/totals-drift';

/** The state topics as the live consumer names them: these tombstones stand for ones it receives there. */
const STATE = stateTopics();

/** A tombstone carries organization's signed removal at `version` (ADR 0130), above the key's states. */
type Step = { kind: 'event'; event: EventEnvelope } | { kind: 'tombstone'; key: string; version: number };
const verifier = serviceEventVerifier('reporting');

const orgAt = (o: TestOrg, parent: TestOrg | null, version: number, contactPoints: number, status = 'active') =>
  envelope(
    OrganizationState,
    `organization-${o.id}`,
    {
      orgId: o.id,
      parentId: parent?.id ?? null,
      path: [...(parent?.path ?? []), o.id],
      code: o.code,
      name: o.name,
      level: o.level,
      kind: 'committee',
      sector: 'government_organ',
      status,
      mergedIntoId: null,
      contactPoints: Array.from({ length: contactPoints }, () => ({ contactPointId: randomUUID(), leaderId: randomUUID() })),
    },
    { orgId: o.id, streamVersion: version },
  );

const memberAt = (memberId: string, orgId: string, version: number, membership: 'active' | 'left') =>
  envelope(
    MemberState,
    `member-${memberId}`,
    { memberId, orgId, status: 'full', membership, roles: [], posts: [] },
    { orgId, streamVersion: version },
  );

/**
 * The subtree totals (migration 1766000000003) against the facts and roster they sum, under what
 * the consumer does to them: three partitions' transactions at once, events before their
 * organisation, organisations moved, closed and purged, members moved and leaving, redeliveries.
 */
describe('reporting subtree totals (real Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('reporting_totals');
    await migrateReporting(db.pool);
  });

  afterAll(async () => {
    await db?.drop();
  });

  /**
   * One partition's records in transactions of a few, as EventConsumer runs them: the handlers
   * collect into the transaction's deferred writes, sent as one statement per table before
   * COMMIT (ADR 0060); a failed transaction is run again.
   */
  async function partition(steps: readonly Step[], chunk: number): Promise<void> {
    for (let i = 0; i < steps.length; i += chunk) {
      const part = steps.slice(i, i + chunk);
      for (let attempt = 1; ; attempt++) {
        const c: PoolClient = await db.pool.connect();
        try {
          await c.query('begin');
          const deferred = new DeferredWrites<PoolClient>();
          for (const s of part)
            if (s.kind === 'event') {
              const r = await c.query('insert into rpt_test_inbox values ($1) on conflict do nothing', [s.event.eventId]);
              const origin = { topic: 't', partition: 0, offset: '0' };
              if (r.rowCount) await reportingHandlers[s.event.type]!(s.event, { tx: c, origin, attempt, deferred });
            }
          await deferred.flush(c);
          await c.query('commit');
          break;
        } catch (e) {
          await c.query('rollback');
          if (attempt >= 5) throw e;
        } finally {
          c.release();
        }
      }
      // Retried as the consumer retries one (libs/messaging PartitionBatches): a purge can lose a deadlock to another partition's transaction.
      for (const s of part)
        if (s.kind === 'tombstone')
          for (let attempt = 1; ; attempt++) {
            try {
              const topic = s.key.startsWith('member-') ? STATE.member : STATE.organization;
              const headers = removalHeaders(signWithDevelopmentKey(stateRemoval(s.key, s.version)));
              await applyTombstone(db.pool, { topic, key: s.key, headers }, STATE, verifier);
              break;
            } catch (e) {
              if (attempt >= 5 || (e as { code?: string }).code !== '40P01') throw e;
            }
          }
    }
  }

  it('equal what the facts and roster add up to, whatever the order, concurrency and redeliveries', async () => {
    await db.pool.query('create table rpt_test_inbox (event_id uuid primary key)');
    const seed = Number(process.env['REPORTING_TOTALS_SEED'] ?? Date.now() % 100_000);
    process.stdout.write(`reporting totals: REPORTING_TOTALS_SEED=${seed}\n`);
    const random = seededRandom(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const county: TestOrg = { id: randomUUID(), parentId: null, path: [], code: '88', name: '县', level: 'county' };
    Object.assign(county, { path: [county.id] });
    const towns: TestOrg[] = [0, 1, 2].map((i) => ({
      id: randomUUID(),
      parentId: county.id,
      path: [],
      code: `88${i}`,
      name: '镇',
      level: 'township',
    }));
    for (const t of towns) Object.assign(t, { path: [county.id, t.id] });
    const villages = towns.flatMap((t, i) =>
      [0, 1, 2].map((j): TestOrg => ({
        id: randomUUID(),
        parentId: t.id,
        path: [...t.path],
        code: `88${i}${j}`,
        name: '村',
        level: 'village',
      })),
    );
    for (const v of villages) Object.assign(v, { path: [...v.path, v.id] });
    const orgs = [county, ...towns, ...villages];
    const parentOf = (o: TestOrg) => orgs.find((x) => x.id === o.parentId) ?? null;

    const steps: Step[] = [];
    const event = (e: EventEnvelope) => steps.push({ kind: 'event', event: e });
    // The tree; villages later change contact points, move to another township, close (each a newer version).
    for (const o of orgs) event(orgAt(o, parentOf(o), 1, Math.floor(random() * 3)));
    for (const v of villages) {
      let version = 1;
      let parent = parentOf(v)!;
      for (let k = Math.floor(random() * 3); k > 0; k--) {
        if (random() < 0.5) parent = pick(towns);
        const moved = { ...v, parentId: parent.id, path: [...parent.path, v.id] };
        event(orgAt(moved, parent, ++version, Math.floor(random() * 3), random() < 0.2 ? 'dissolved' : 'active'));
      }
    }
    // Members, some transferred or leaving; facts over the year on every level, and facts of an organisation never announced.
    for (let m = 0; m < 60; m++) {
      const id = randomUUID();
      event(memberAt(id, pick(orgs).id, 1, 'active'));
      if (random() < 0.4) event(memberAt(id, pick(orgs).id, 2, random() < 0.3 ? 'left' : 'active'));
      if (random() < 0.1) steps.push({ kind: 'tombstone', key: `member-${id}`, version: 3 });
    }
    const stranger = randomUUID();
    for (let f = 0; f < 240; f++) {
      const at = new Date(
        Date.UTC(2026, Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24)),
      ).toISOString();
      const where = random() < 0.03 ? stranger : pick(orgs).id;
      event(random() < 0.7 ? pledgeMade(where, at) : deedDone(where, 1 + Math.floor(random() * 9)));
    }
    steps.push({ kind: 'tombstone', key: `organization-${pick(villages).id}`, version: 10 });
    // Redeliveries: a tenth of the events again, anywhere in the stream (another partition, too).
    for (const s of steps.filter((x) => x.kind === 'event' && random() < 0.1)) steps.push(s);
    for (let i = steps.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [steps[i], steps[j]] = [steps[j]!, steps[i]!];
    }

    const lanes: Step[][] = [[], [], []];
    steps.forEach((s, i) => lanes[i % 3]!.push(s));
    // Transactions of a few records, as in the tests before 0060, and of dozens, as the consumer's chunks are.
    await Promise.all(lanes.map((lane, i) => partition(lane, [7, 25, 60][i]!)));

    expect({ seed, drift: await totalsDrift(db.pool) }).toEqual({ seed, drift: [] });
    // And what the dashboards read from them: each organisation's year as a sum over its subtree's facts.
    const year = parsePeriod('2026')!;
    const figures = new SqlFiguresReadModel(db.pool);
    for (const o of orgs) {
      const direct = await db.pool.query<{ figure: string; n: string }>(
        `select f.figure, count(*) as n from rpt_fact f join rpt_org o on o.id = f.org_id
          where o.path @> array[$1::uuid] and exists (select 1 from rpt_org r where r.id = $1) group by 1`,
        [o.id],
      );
      const got = await figures.figures(o.id, year);
      for (const r of direct.rows) expect([o.code, r.figure, got.get(r.figure)?.events]).toEqual([o.code, r.figure, Number(r.n)]);
    }
    // Children by their parent, and two levels down (the statistics workbook's drill-down) by the path.
    for (const depth of [1, 2]) {
      const below = await new SqlBreakdownReadModel(db.pool).below(county.id, depth, year);
      expect(below.length).toBeGreaterThan(0);
      for (const row of below) expect([depth, row.code, row.figures]).toEqual([depth, row.code, await figures.figures(row.orgId, year)]);
    }
  });
});
