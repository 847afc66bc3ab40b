import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import request from 'supertest';
import { bootstrapDemoTree } from '@vanguard/auth';
import { LongWork } from '@vanguard/http';
import { demoOrgId } from '@vanguard/infra-config';
import { createReadOnlyRole, migrate as migrateStore, personal, PostgresEventStore } from '@vanguard/event-store';
import { createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- decisions are made through the evaluation service's own commands, in-process, as its e2e suites make them
import { PHASES } from '../../evaluation/test/support/campaign-fixture';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { clockOn, createEvaluationTestApp } from '../../evaluation/test/support/evaluation-test-app';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above: the evaluation store and read side in a schema of this suite's own
import { evaluationStoreSchema } from '../../evaluation/test/support/store-schema';
import { AUDIT_READER_ROLE, grantOrgTreeRead } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';

const COUNTY = demoOrgId('910425');
const VILLAGE = demoOrgId('910425101201');
const MEMBER = randomUUID();
/** Sorts after every `pledge-` stream, so a break in a pledge stops the pass before it. */
const FORGOTTEN = `review-${MEMBER}-2011`;

/**
 * GET /verify of everything: each store's whole-store pass (ADR 0078) over stores of this suite's
 * own, filled through the evaluation service's HTTP commands. A row the database owner rewrote in
 * the middle of the store is named by stream, version and position, with what was checked
 * before it; a forgotten person's values pass as redacted; a client that leaves while the pass
 * waits gives its connections and its slot back at once.
 */
describe('audit: verifying everything (e2e)', () => {
  let evaluation: INestApplication;
  let audit: INestApplication;
  let store: TestSchema;
  let empty: TestSchema;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  let owner: Pool;
  const pledges: string[] = [];

  beforeAll(async () => {
    ({ db: store } = await evaluationStoreSchema('audit_verify_all'));
    await bootstrapDemoTree(store.pool);
    await createReadOnlyRole(store.pool, { schema: store.schema, role: AUDIT_READER_ROLE });
    await grantOrgTreeRead(store.pool, store.schema);
    empty = await createTestSchema('audit_verify_all_comm');
    await migrateStore(empty.pool, { schema: empty.schema });
    await createReadOnlyRole(empty.pool, { schema: empty.schema, role: AUDIT_READER_ROLE });
    owner = store.pool;
    for (const u of ['county.organizer', 'township.secretary', 'village.secretary', 'province.auditor']) tokens[u] = await tokenFor(u);
    evaluation = await createEvaluationTestApp(clockOn('2011-05-10'), {
      databaseUrl: store.url,
      schema: store.schema,
      relay: { enabled: false },
    });
    audit = await createAuditTestApp({ schemas: { evaluation: store.schema, commendation: empty.schema } });
    await makePledges(3);
    // No audited service records personal values yet: the lib's append, as forgotten-person.int.spec does.
    const writer = new PostgresEventStore(store.pool, { schema: store.schema, groupCommit: false });
    await writer.append(
      FORGOTTEN,
      [
        {
          type: 'evaluation.SelfAssessmentSubmitted',
          data: {
            memberId: MEMBER,
            orgId: COUNTY,
            year: 2011,
            submittedOn: '2011-05-10',
            selfAssessment: personal(`member-${MEMBER}`, '张三的自评'),
            partySpiritAnalysis: personal(`member-${MEMBER}`, '张三的党性分析'),
          },
        },
      ],
      {
        expectedVersion: 'no_stream',
        context: { actor: { sub: MEMBER, roles: ['member'], orgId: COUNTY, kind: 'user' }, orgId: COUNTY, correlationId: 'verify-all' },
      },
    );
    await writer.forget(`member-${MEMBER}`);
  });
  afterAll(async () => {
    await audit?.close();
    await evaluation?.close();
    await empty?.drop();
    await store?.drop();
  });

  it('WhenNothingWasChanged_EveryStreamHoldsAndTheForgottenValuesReadAsRedacted', async () => {
    const { lines, result } = await verifyEverything();
    const streams = await count('streams');
    expect(result).toMatchObject({ ok: true, broken: null, checkedStreams: streams, checkedEvents: await count('events') });
    expect(lines[0]).toEqual({ started: { scope: { everything: true } } });
    expect(lines.filter((l) => 'progress' in l).at(-1)).toEqual({ progress: { done: streams, total: streams } });
    const t = await request(audit.getHttpServer()).get(`/streams/${FORGOTTEN}/timeline`).set(as('province.auditor')).expect(200);
    expect(t.body.events[0].data).toMatchObject({
      memberId: MEMBER,
      selfAssessment: { $redacted: `member-${MEMBER}` },
      partySpiritAnalysis: { $redacted: `member-${MEMBER}` },
    });
    expect(JSON.stringify(t.body)).not.toContain('张三');
  });

  it('WhenTheOwnerRewroteARowInTheMiddle_NamesItsStreamVersionAndPosition', async () => {
    const middle = [...pledges].sort()[1]!;
    const { rows } = await owner.query<{ canonical: string; position: string }>(
      `select canonical, position from "${store.schema}".events where stream_id = $1 and stream_version = 2`,
      [middle],
    );
    const forged = rows[0]!.canonical.replace('内容具体可检验', '内容不具体');
    expect(forged).not.toBe(rows[0]!.canonical);
    await asOwnerPastTheTrigger(`update "${store.schema}".events set canonical = $2 where stream_id = $1 and stream_version = 2`, [
      middle,
      forged,
    ]);
    const { result } = await verifyEverything();
    expect(result).toMatchObject({
      ok: false,
      broken: { context: 'evaluation', streamId: middle, streamVersion: 2, position: Number(rows[0]!.position), reason: 'hash_mismatch' },
      // Every stream before it in stream-id order was checked, and its first version.
      checkedStreams: await count('streams', 'stream_id <= $1', [middle]),
      checkedEvents: (await count('events', 'stream_id < $1', [middle])) + 1,
    });
  });

  it('WhenTheClientLeavesWhileThePassWaits_CancelsItAndGivesTheConnectionsAndTheSlotBack', async () => {
    const lock = await owner.connect();
    try {
      // The counts read `streams`; the whole-store pass reads `events`: it is that pass which waits.
      await lock.query('begin');
      await lock.query(`lock table "${store.schema}".events in access exclusive mode`);
      const server = audit.getHttpServer() as http.Server;
      if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const req = http.get({ host: '127.0.0.1', port, path: '/verify', headers: as('province.auditor') });
      req.on('error', () => undefined);
      await new Promise<void>((resolve) => req.on('response', (res) => res.once('data', () => resolve())));
      const name = await waitUntil('the pass to wait on the lock', waiterOnEvents, { timeoutMs: 30_000 });
      req.destroy();
      const longWork = audit.get(LongWork);
      // Still locked: only a cancelled statement can have let go. Both of the pass's connections go.
      await waitUntil(
        'the abandoned pass to let go',
        async () => ((await backendsNamed(name)) === 0 && longWork.active === 0) || undefined,
        {
          timeoutMs: 10_000,
        },
      );
    } finally {
      await lock.query('rollback');
      lock.release();
    }
  });

  async function makePledges(n: number): Promise<void> {
    const ev = () => request(evaluation.getHttpServer());
    const c = await ev().post('/campaigns').set(as('county.organizer')).send({ orgId: COUNTY, name: '松岭旗创先争优活动', phases: PHASES });
    const campaignId = c.body.campaignId as string;
    const q = await ev()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({ quarter: '2011-Q2', startsOn: '2011-04-01', endsOn: '2011-06-30', themes: { default: '服务群众' } });
    const cycleId = q.body.cycleId as string;
    await ev().post(`/campaigns/${campaignId}/cycles/${cycleId}/open`).set(as('county.organizer')).expect(200);
    for (let i = 0; i < n; i++) {
      const made = await ev()
        .post('/pledges')
        .set(as('village.secretary'))
        .send({
          campaignId,
          cycleId,
          pledger: { kind: 'organization', id: VILLAGE },
          orgId: VILLAGE,
          category: 'deed_for_masses',
          content: `为村里修通${i + 1}公里通组路`,
          dueOn: '2011-06-20',
        })
        .expect(201);
      const id = made.body.pledgeId as string;
      pledges.push(`pledge-${id}`);
      const step = (user: string, verb: string, body: object = {}) =>
        ev().post(`/pledges/${id}/${verb}`).set(as(user)).send(body).expect(200);
      await step('township.secretary', 'file', { reason: '内容具体可检验' });
      await step('village.secretary', 'publish');
      await step('township.secretary', 'fulfil', { reason: '现场验收通过' });
    }
  }

  async function verifyEverything(): Promise<{ lines: Record<string, unknown>[]; result: Record<string, unknown> }> {
    const res = await request(audit.getHttpServer()).get('/verify').set(as('province.auditor')).expect(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { lines, result: lines.at(-1)!['result'] as Record<string, unknown> };
  }

  async function count(table: 'streams' | 'events', where = 'true', values: unknown[] = []): Promise<number> {
    const { rows } = await owner.query<{ n: string }>(`select count(*) as n from "${store.schema}".${table} where ${where}`, values);
    return Number(rows[0]!.n);
  }

  /** As the database owner: past the append-only trigger, as someone with the owner's password could. */
  async function asOwnerPastTheTrigger(sql: string, values: unknown[]): Promise<void> {
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(sql, values);
      await c.query('commit');
    } finally {
      c.release();
    }
  }

  /** The application_name of this suite's verification waiting on a lock over its `events`, if one is. */
  async function waiterOnEvents(): Promise<string | undefined> {
    const { rows } = await owner.query<{ name: string }>(
      `select application_name as name from pg_stat_activity
        where usename = $1 and application_name like 'audit-verify-%' and wait_event_type = 'Lock' and query like $2`,
      [AUDIT_READER_ROLE, `%"${store.schema}".events%`],
    );
    return rows[0]?.name;
  }

  /** Backends of one verification's pool (each verification names its connections). */
  async function backendsNamed(name: string): Promise<number> {
    const { rows } = await owner.query<{ n: string }>('select count(*) as n from pg_stat_activity where application_name = $1', [name]);
    return Number(rows[0]!.n);
  }
});
