import { randomUUID } from 'node:crypto';
import { get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import request from 'supertest';
import { configureHttpApp, type ConcurrencyLimiter } from '@vanguard/http';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { binaryBody, createTestSchema, testTopicPrefix, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { readPdf } from './support/pdf-text';
import { ExportRenderer } from '../src/infrastructure/export/export-renderer';
import { SqlBreakdownReadModel } from '../src/infrastructure/sql-breakdown.read-model';
import { REPORT_RENDERS, REPORT_TRACES } from '../src/interface/http/report-renders';
import { reportingConfig } from '../src/reporting.config';
import { REPORTING_POOL, REPORTING_READ_POOL, ReportingModule } from '../src/reporting.module';
import {
  TOPICS,
  TestPublisher,
  deedDone,
  memberState,
  migrateReporting,
  orgState,
  pledgeMade,
  type TestOrg,
} from './support/reporting-events';

// The service in-process on its own schema and topics, fed through real Kafka, asked over HTTP
// with the demo realm's own Keycloak tokens: scope per subtree, the three downloads, refusals.

const demo = (code: string, name: string, level: TestOrg['level'], parent: string | null): TestOrg => {
  const path = ['91', '9104', '910425', '910425101', '910425102'].filter((c) => code.startsWith(c) && c !== code).concat(code);
  return { id: demoOrgId(code), parentId: parent ? demoOrgId(parent) : null, path: path.map(demoOrgId), code, name, level };
};
const PROVINCE = demo('91', '示范省', 'province', null);
const CITY = demo('9104', '青山市', 'city', '91');
const COUNTY = demo('910425', '松岭旗', 'county', '9104');
const BAIHUA = demo('910425101', '白桦镇', 'township', '910425');
const HEKOU = demo('910425102', '河口镇', 'township', '910425');
const HONGSHI = demo('910425101201', '红石村党支部', 'village', '910425101');

describe('reporting over HTTP with Keycloak tokens (e2e)', () => {
  let db: TestSchema;
  let app: INestApplication;
  let publisher: TestPublisher;
  const t: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (user: string) => ({ Authorization: `Bearer ${t[user]}` });
  const pledges = [pledgeMade(HONGSHI.id, '2026-03-02T02:00:00.000Z'), pledgeMade(HONGSHI.id, '2026-08-02T02:00:00.000Z')];
  const elsewhere = pledgeMade(HEKOU.id, '2026-03-03T02:00:00.000Z');
  const hongshiMember = randomUUID();
  const hekouMember = randomUUID();

  beforeAll(async () => {
    db = await createTestSchema('reporting_e2e');
    await migrateReporting(db.pool);
    const prefix = testTopicPrefix('reporting-e2e');
    const base = reportingConfig(infraConfig(), 'test');
    const config = {
      ...base,
      databaseUrl: db.url,
      kafka: { ...base.kafka, groupId: `reporting-e2e-${randomUUID()}`, topicPrefix: prefix },
    };
    const moduleRef = await Test.createTestingModule({ imports: [ReportingModule.register(config)] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, { title: 'test', description: 'test' });
    await app.init();
    publisher = new TestPublisher(prefix);
    await publisher.publish(TOPICS.orgState, ...[PROVINCE, CITY, COUNTY, BAIHUA, HEKOU, HONGSHI].map((o) => orgState(o)));
    await publisher.publish(TOPICS.memberState, memberState(HONGSHI.id, hongshiMember), memberState(HEKOU.id, hekouMember));
    await publisher.publish(TOPICS.evaluation, ...pledges, elsewhere);
    await publisher.publish(TOPICS.assistance, deedDone(HONGSHI.id, 3));
    const users = ['township.secretary', 'other.township.secretary', 'county.organizer', 'province.auditor', 'no.role'];
    (await Promise.all(users.map((u) => tokenFor(u)))).forEach((token, i) => (t[users[i]!] = token));
    await waitUntil(
      'the projection to hold the demo tree and its events',
      async () => {
        const r = await http().get(`/reports/organizations/${COUNTY.id}/figures?period=2026`).set(as('county.organizer'));
        const v = (key: string) =>
          (r.body as { figures?: { key: string; value: number | null }[] }).figures?.find((f) => f.key === key)?.value;
        return r.status === 200 && v('pledges_made') === 3 && v('deeds') === 1 && v('members') === 2;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await publisher?.close();
    await app?.close();
    await db?.drop();
  });

  it('shows a township user its own subtree and refuses every other organisation with 403', async () => {
    const own = await http().get(`/reports/organizations/${BAIHUA.id}/figures?period=2026`).set(as('township.secretary')).expect(200);
    const figure = (key: string) => (own.body as { figures: { key: string; value: number | null }[] }).figures.find((f) => f.key === key);
    expect(figure('pledges_made')?.value).toBe(2); // the village's two, not the other township's
    expect(figure('members')?.value).toBe(1);
    await http().get(`/reports/organizations/${HONGSHI.id}/figures?period=2026`).set(as('township.secretary')).expect(200);

    for (const orgId of [COUNTY.id, HEKOU.id])
      await http().get(`/reports/organizations/${orgId}/figures?period=2026`).set(as('township.secretary')).expect(403);
    await http().get(`/reports/organizations/${BAIHUA.id}/summary.md?period=2026`).set(as('other.township.secretary')).expect(403);
    await http().get(`/reports/figures/pledges_made/events?orgId=${COUNTY.id}&period=2026`).set(as('township.secretary')).expect(403);
    await http().get(`/reports/organizations/${BAIHUA.id}/figures?period=2026`).set(as('no.role')).expect(403);
    await http().get(`/reports/organizations/${BAIHUA.id}/figures?period=2026`).expect(401);
  });

  it('answers an organisation it holds no copy of with 404, as every scoped route documents, not 403', async () => {
    const unknown = randomUUID();
    const routes = [
      ...['figures', 'summary.md', 'summary.docx', 'summary.pdf', 'statistics.xlsx', 'breakdown'].map(
        (r) => `/reports/organizations/${unknown}/${r}?period=2026`,
      ),
      `/reports/organizations/${unknown}/series?period=2026&figure=pledges_made`,
      `/reports/figures/pledges_made/events?orgId=${unknown}&period=2026`,
    ];
    for (const route of routes)
      for (const user of ['township.secretary', 'province.auditor']) {
        const r = await http().get(route).set(as(user));
        expect({ route, user, status: r.status, code: r.body.code }).toEqual({
          route,
          user,
          status: 404,
          code: 'REPORT.ORGANIZATION_UNKNOWN',
        });
      }
    // A real organisation elsewhere is still "not yours".
    const elsewhere = await http()
      .get(`/reports/organizations/${HEKOU.id}/series?period=2026&figure=pledges_made`)
      .set(as('township.secretary'));
    expect({ status: elsewhere.status, code: elsewhere.body.code }).toEqual({ status: 403, code: 'AUTH.OUT_OF_SCOPE' });
  });

  it('lets an auditor and an organizer download the summary as Markdown, Word, PDF and Excel', async () => {
    for (const user of ['province.auditor', 'county.organizer']) {
      const md = await http().get(`/reports/organizations/${COUNTY.id}/summary.md?period=2026`).set(as(user)).expect(200);
      expect(md.headers['content-type']).toMatch(/text\/markdown/);
      expect(md.text).toContain('# 松岭旗');
      expect(md.text).toMatch(/承诺事项.*3/);
      for (const [path, type] of [
        ['summary.docx', /wordprocessingml/],
        ['statistics.xlsx', /spreadsheetml/],
        ['summary.pdf', /application\/pdf/],
      ] as const) {
        if (path === 'summary.pdf' && user !== 'province.auditor') continue; // about 1–2 s each to subset the font: once is enough
        const file = await http()
          .get(`/reports/organizations/${COUNTY.id}/${path}?period=2026`)
          .set(as(user))
          .buffer(true)
          .parse(binaryBody)
          .expect(200);
        expect(file.headers['content-type']).toMatch(type);
        const body = file.body as Buffer;
        if (path === 'summary.pdf') expect(readPdf(body).text).toMatch(/松岭旗创先争优工作总结[\s\S]*承诺事项 3件/);
        else expect(body.subarray(0, 2).toString('latin1')).toBe('PK'); // an OOXML zip
      }
    }
  });

  it('lists as many levels below in the statistics workbook as its row limit allows, and says which level it left out', async () => {
    const sheets = async () => {
      const r = await http()
        .get(`/reports/organizations/${COUNTY.id}/statistics.xlsx?period=2026`)
        .set(as('county.organizer'))
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(r.body as never);
      return book.worksheets.map((w) => ({ name: w.name, rows: w.rowCount, first: w.getCell('A1').text, level: w.getCell('C3').text }));
    };
    // The county, its two townships, one village: 4 rows in all; 层级 in Chinese, as the glossary writes it.
    expect((await sheets()).map((w) => [w.name, w.rows, w.level])).toEqual([
      ['本级', 3, '县（旗、区）'],
      ['下一级', 4, '乡镇（苏木、街道）'],
      ['下二级', 3, '村（嘎查、社区）'],
    ]);
    process.env['REPORTING_STATISTICS_MAX_ROWS'] = '3';
    try {
      const cut = await sheets();
      expect(cut.map((w) => w.name)).toEqual(['本级', '下一级', '说明']);
      expect(cut[2]!.first).toMatch(/^下二级共 1 个组织，超过单个文件 3 行的上限/);
    } finally {
      delete process.env['REPORTING_STATISTICS_MAX_ROWS'];
    }
  });

  it('renders at most two downloads of one user at once: the others are refused 429 with Retry-After, and the leases come back', async () => {
    const paths = ['summary.docx', 'statistics.xlsx'];
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        http()
          .get(`/reports/organizations/${COUNTY.id}/${paths[i % 2]}?period=2026`)
          .set(as('county.organizer')),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.headers['retry-after']).toBe('5');
      expect(r.body).toMatchObject({ code: 'LIMIT.TOO_MANY', errors: [{ field: 'limit', reason: 'per_user' }] });
    }
    // Every lease was given back: one user's next download renders.
    await http().get(`/reports/organizations/${COUNTY.id}/summary.docx?period=2026`).set(as('county.organizer')).expect(200);
  });

  it('documents each download’s file type and refusals, a trace page’s shape and the lag’s, in its OpenAPI document', async () => {
    const doc = (await http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    const get = (path: string) => doc.paths[path]!.get.responses;
    for (const [file, type, rendered] of [
      ['summary.md', 'text/markdown', false],
      ['summary.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', true],
      ['summary.pdf', 'application/pdf', true],
      ['statistics.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', true],
    ] as const) {
      const responses = get(`/reports/organizations/{orgId}/${file}`);
      expect({ file, type: Object.keys(responses['200']?.content ?? {}) }).toEqual({ file, type: [type] });
      expect({ file, codes: Object.keys(responses).sort() }).toEqual({
        file,
        // 401 and a 503 (a busy database) are every signed-in route's, added by libs/http's problem-responses.
        codes: ['200', '400', '401', '403', '404', ...(rendered ? ['429'] : []), '503'],
      });
    }
    expect(Object.keys(get('/reports/figures/{figure}/events')['200']?.content ?? {})).toEqual(['application/json']);
    expect(Object.keys(get('/lag')['200']?.content ?? {})).toEqual(['application/json']);
  });

  it('answers bad query parameters with 400 naming the field and the reason', async () => {
    const cases: [string, string][] = [
      [`/reports/organizations/${COUNTY.id}/figures?period=2026-Q5`, 'period'],
      [`/reports/organizations/${COUNTY.id}/summary.md`, 'period'],
      // Years before 1000 were a 500 (Postgres refused '0-01-01') or another year's figures ('1-01-01' is 2001).
      [`/reports/organizations/${COUNTY.id}/figures?period=0000`, 'period'],
      [`/reports/organizations/${COUNTY.id}/figures?period=0001-Q1`, 'period'],
      [`/reports/organizations/${COUNTY.id}/statistics.xlsx?period=0099`, 'period'],
      [`/reports/figures/pledges_made/events?orgId=not-a-uuid&period=2026`, 'orgId'],
      [`/reports/organizations/not-a-uuid/figures?period=2026`, 'orgId'],
      [`/reports/figures/pledges_made/events?orgId=${COUNTY.id}&period=2026&limit=0`, 'limit'],
      [`/reports/organizations/${COUNTY.id}/series?period=2026&figure=DROP%20TABLE`, 'figure'],
    ];
    for (const [url, field] of cases) {
      const r = await http().get(url).set(as('county.organizer'));
      expect({ url, status: r.status }).toEqual({ url, status: 400 });
      expect(r.headers['content-type']).toMatch(/application\/json/);
      const errors = (r.body as { errors?: { field: string; reason: string }[] }).errors ?? [];
      expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.any(String) })]));
    }
  });

  it("breaks a county down by township, each township's figures those of its own subtree; an organisation with none below lists none", async () => {
    const r = await http().get(`/reports/organizations/${COUNTY.id}/breakdown?period=2026`).set(as('county.organizer')).expect(200);
    // A table: the figures' keys once, a row of values per township in their order (ADR 0135).
    const table = r.body as { figureKeys: string[]; children: { orgId: string; name: string; values: (number | null)[] }[] };
    const { children } = table;
    expect(children.map((c) => [c.orgId, c.name])).toEqual([
      [BAIHUA.id, BAIHUA.name],
      [HEKOU.id, HEKOU.name],
    ]);
    const column = (key: string) => table.figureKeys.indexOf(key);
    const picked = ['pledges_made', 'members', 'deeds', 'comments'].map(column);
    expect(picked).not.toContain(-1);
    expect(children.map((c) => picked.map((i) => c.values[i]))).toEqual([
      [2, 1, 1, null],
      [1, 1, null, null],
    ]);
    // The OpenAPI document describes this answer, not the map per row it replaced.
    type Shape = { required: string[]; properties: { children: { items: { required: string[] } } } };
    const doc = (await http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: Shape }> }> } }>;
    };
    const shape = doc.paths['/reports/organizations/{orgId}/breakdown']!.get.responses['200']!.content['application/json']!.schema;
    expect(Object.keys(table).sort()).toEqual([...shape.required].sort());
    expect(Object.keys(children[0]!).sort()).toEqual([...shape.properties.children.items.required].sort());
    for (const child of children) {
      expect(child.values).toHaveLength(table.figureKeys.length);
      const own = await http().get(`/reports/organizations/${child.orgId}/figures?period=2026`).set(as('county.organizer')).expect(200);
      const values = (own.body as { figures: { key: string; value: number | null }[] }).figures.map((f) => [f.key, f.value]);
      expect(table.figureKeys.map((key, i) => [key, child.values[i]])).toEqual(values);
    }

    const village = await http().get(`/reports/organizations/${HONGSHI.id}/breakdown?period=2026`).set(as('county.organizer')).expect(200);
    expect(village.body).toEqual({ orgId: HONGSHI.id, period: '2026', figureKeys: table.figureKeys, children: [] });
    await http().get(`/reports/organizations/${COUNTY.id}/breakdown?period=2026`).set(as('township.secretary')).expect(403);
  });

  it('links every figure to the events behind it, and says when a figure has no data', async () => {
    const r = await http().get(`/reports/organizations/${BAIHUA.id}/figures?period=2026`).set(as('township.secretary')).expect(200);
    const figures = (r.body as { figures: { key: string; value: number | null; events: number; trace: string }[] }).figures;
    const made = figures.find((f) => f.key === 'pledges_made')!;
    const listed = await http().get(made.trace).set(as('township.secretary')).expect(200);
    expect((listed.body as { events: { eventId: string }[] }).events.map((e) => e.eventId)).toEqual(pledges.map((p) => p.eventId));
    expect(made.events).toBe(2);

    // Nothing fed it: null with no events (not 0), its trace lists nothing, the summary says 暂无数据.
    const comments = figures.find((f) => f.key === 'comments')!;
    expect(comments).toMatchObject({ value: null, events: 0 });
    expect((await http().get(comments.trace).set(as('township.secretary')).expect(200)).body).toMatchObject({ events: [] });
    const md = await http().get(`/reports/organizations/${BAIHUA.id}/summary.md?period=2026`).set(as('township.secretary')).expect(200);
    expect(md.text).toMatch(/领导点评（comments）：暂无数据/);
  });

  it("lists a trace a page at a time: truncated with the next page's link until the last page", async () => {
    const first = await http()
      .get(`/reports/figures/pledges_made/events?orgId=${BAIHUA.id}&period=2026&limit=1`)
      .set(as('township.secretary'));
    expect(first.status).toBe(200);
    const page1 = first.body as { events: { eventId: string }[]; truncated: boolean; next: string | null };
    expect(page1).toMatchObject({ truncated: true, next: expect.stringContaining('&after=') });
    // Each entry names the day it is filed under, which the period selects by.
    expect(page1.events).toEqual([expect.objectContaining({ filedOn: expect.stringMatching(/^2026-\d\d-\d\d$/) })]);
    const second = await http().get(page1.next!).set(as('township.secretary')).expect(200);
    const page2 = second.body as typeof page1;
    expect(page2).toMatchObject({ truncated: false, next: null });
    expect([...page1.events, ...page2.events].map((e) => e.eventId)).toEqual(pledges.map((p) => p.eventId));
    // Shaped like a cursor, but its keys are not the service's: each is refused before Postgres's
    // cast (a year or a day of no month passed Date.parse and answered 500).
    for (const keys of [
      ['x', 'y'],
      ['2026', BAIHUA.id],
      ['2026-02-30 00:00:00+00', BAIHUA.id],
    ]) {
      const forged = Buffer.from(JSON.stringify(keys)).toString('base64url');
      const bad = await http()
        .get(`/reports/figures/pledges_made/events?orgId=${BAIHUA.id}&period=2026&after=${forged}`)
        .set(as('township.secretary'));
      expect({ keys, status: bad.status }).toEqual({ keys, status: 400 });
      expect(bad.body).toMatchObject({ code: 'REPORT.TRACE_CURSOR_INVALID', errors: [{ field: 'after' }] });
    }
  });

  it('leaves out who the events of a figure about persons are about: no stream id, no member id', async () => {
    const r = await http().get(`/reports/figures/members/events?orgId=${BAIHUA.id}&period=2026`).set(as('township.secretary')).expect(200);
    const events = (r.body as { events: Record<string, unknown>[] }).events;
    expect(events).toHaveLength(1);
    expect(Object.keys(events[0]!).sort()).toEqual(['amount', 'eventId', 'eventType', 'occurredAt', 'orgId', 'weight']);
    expect(JSON.stringify(r.body)).not.toContain(hongshiMember);
    // Page by page, nor in a cursor: the caller can decode one.
    const seen: string[] = [];
    let next: string | null = `/reports/figures/members/events?orgId=${COUNTY.id}&period=2026&limit=1`;
    while (next && seen.length < 20) {
      const page: { status: number; body: unknown } = await http().get(next).set(as('county.organizer'));
      expect([page.status, page.status === 200 ? null : page.body]).toEqual([200, null]);
      next = (page.body as { next: string | null }).next;
      const cursor = next ? new URL(next, 'http://x').searchParams.get('after') : null;
      seen.push(JSON.stringify(page.body), cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : '');
    }
    expect(seen.length).toBe(4); // the county's two members, one a page
    for (const member of [hongshiMember, hekouMember]) expect(seen.join('\n')).not.toContain(member);
    // A figure about things, not persons, keeps its stream.
    const made = await http().get(`/reports/figures/pledges_made/events?orgId=${BAIHUA.id}&period=2026`).set(as('township.secretary'));
    expect((made.body as { events: { streamId?: string }[] }).events[0]?.streamId).toBe(pledges[0]!.streamId);
  });

  it('runs two traces per user at once, refuses a third with 429, and answers a trace past its statement timeout with 503', async () => {
    // The facts held under a lock: each trace waits in Postgres, as one scanning a province's year would.
    const locker = await db.pool.connect();
    process.env['REPORTING_TRACE_TIMEOUT_MS'] = '1500';
    try {
      await locker.query('begin');
      await locker.query('lock table rpt_fact in access exclusive mode');
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          http().get(`/reports/figures/visits/events?orgId=${COUNTY.id}&period=2026&limit=5000`).set(as('county.organizer')),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([429, 503, 503]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.body).toMatchObject({ code: 'LIMIT.TOO_MANY', errors: [{ field: 'limit', reason: 'per_user' }] });
      for (const late of answers.filter((a) => a.status === 503)) {
        expect(late.headers['retry-after']).toBe('5');
        expect(late.body).toMatchObject({ code: 'REPORT.TRACE_TIMEOUT' });
      }
    } finally {
      await locker.query('rollback');
      locker.release();
      delete process.env['REPORTING_TRACE_TIMEOUT_MS'];
    }
    // Both places were given back and no connection was left in a transaction.
    await Promise.all(
      [1, 2].map(() => http().get(`/reports/figures/visits/events?orgId=${COUNTY.id}&period=2026`).set(as('county.organizer')).expect(200)),
    );
  });

  it('cancels the Postgres statement of a trace whose caller leaves, and gives its place back', async () => {
    const traces = app.get<ConcurrencyLimiter>(REPORT_TRACES);
    const server = app.getHttpServer() as Server;
    const url = `/reports/figures/visits/events?orgId=${COUNTY.id}&period=2026`;
    // The facts held under a lock, so the trace's statement waits in Postgres until something ends it.
    const locker = await db.pool.connect();
    // Far beyond this test's deadlines: only the cancel can end the statement in time.
    process.env['REPORTING_TRACE_TIMEOUT_MS'] = '120000';
    let caller: ReturnType<typeof httpGet> | undefined;
    let listening = false;
    try {
      await locker.query('begin');
      await locker.query('lock table rpt_fact in access exclusive mode');
      const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      /** Backends of the trace's select over the facts, waiting for the lock this test holds. */
      const waiting = async () =>
        (
          await db.pool.query<{ pid: number }>(
            `select pid from pg_stat_activity
              where $1 = any(pg_blocking_pids(pid)) and state = 'active' and query like '%from rpt_fact f%'`,
            [lockerPid],
          )
        ).rows.map((r) => r.pid);

      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      listening = true;
      caller = httpGet({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: url, headers: as('county.organizer') });
      caller.on('error', () => undefined); // destroyed on purpose below
      const [pid] = await waitUntil('the trace to wait for the lock in Postgres', async () => {
        const found = await waiting();
        return found.length === 1 ? found : undefined;
      });
      expect(traces.inUse).toBe(1);

      caller.destroy(); // the client leaves
      // Its statement is cancelled while the lock is still held: nothing of it runs or waits any more.
      await waitUntil(
        'the trace statement to be cancelled',
        async () => {
          const left = await db.pool.query('select 1 from pg_stat_activity where pid = $1 and state = $2', [pid, 'active']);
          return left.rowCount === 0 && (await waiting()).length === 0;
        },
        { timeoutMs: 5_000 },
      );
      await waitUntil('the trace to give its place back', () => traces.inUse === 0, { timeoutMs: 5_000 });

      // The user's two places are both free: two traces at once both reach Postgres, neither is refused.
      const answered: number[] = [];
      const again = [1, 2].map(() =>
        http()
          .get(url)
          .set(as('county.organizer'))
          .then((r) => {
            answered.push(r.status);
            return r;
          }),
      );
      await waitUntil('two traces of the user to wait for the lock at once', async () =>
        answered.length > 0 || (await waiting()).length === 2 ? true : undefined,
      );
      expect(answered).toEqual([]);
      await locker.query('rollback');
      expect((await Promise.all(again)).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      caller?.destroy();
      await locker.query('rollback').catch(() => undefined);
      locker.release();
      delete process.env['REPORTING_TRACE_TIMEOUT_MS'];
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('cancels a trace whose caller left while its organisation was still being looked up: it never reaches the facts', async () => {
    const traces = app.get<ConcurrencyLimiter>(REPORT_TRACES);
    const server = app.getHttpServer() as Server;
    const url = `/reports/figures/visits/events?orgId=${COUNTY.id}&period=2026`;
    // Organisations and facts held under two locks: the lookup waits on the first, a trace that goes on on the second.
    const [orgs, facts] = [await db.pool.connect(), await db.pool.connect()];
    process.env['REPORTING_TRACE_TIMEOUT_MS'] = '120000';
    let warned: jest.SpyInstance | undefined;
    let caller: ReturnType<typeof httpGet> | undefined;
    let listening = false;
    try {
      for (const [c, table] of [
        [orgs, 'rpt_org'],
        [facts, 'rpt_fact'],
      ] as const) {
        await c.query('begin');
        await c.query(`lock table ${table} in access exclusive mode`);
      }
      const blockedBy = async (locker: typeof orgs, like: string) => {
        const pid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
        const r = await db.pool.query(
          `select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid)) and state = 'active' and query like $2`,
          [pid, like],
        );
        return r.rowCount ?? 0;
      };
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      listening = true;
      caller = httpGet({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: url, headers: as('county.organizer') });
      caller.on('error', () => undefined);
      await waitUntil('the lookup to wait for the organisations', async () => (await blockedBy(orgs, '%from rpt_org where id%')) === 1);

      caller.destroy();
      const connections = () => new Promise<number>((ok, ko) => server.getConnections((e, n) => (e ? ko(e) : ok(n))));
      await waitUntil('the server to see the caller gone', async () => (await connections()) === 0);
      const spy = jest.spyOn(Logger.prototype, 'warn');
      warned = spy;
      await orgs.query('rollback');

      // It stops as cancelled, never having waited for the facts, and gives its place back.
      await waitUntil(
        'the trace to stop as cancelled',
        () => spy.mock.calls.some(([m]) => typeof m === 'string' && /stopped: cancelled/.test(m)),
        { timeoutMs: 5_000 },
      );
      expect(await blockedBy(facts, '%from rpt_fact f%')).toBe(0);
      await waitUntil('the trace to give its place back', () => traces.inUse === 0, { timeoutMs: 5_000 });
    } finally {
      caller?.destroy();
      for (const c of [orgs, facts]) {
        await c.query('rollback').catch(() => undefined);
        c.release();
      }
      warned?.mockRestore();
      delete process.env['REPORTING_TRACE_TIMEOUT_MS'];
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  /**
   * Asks for the download at `path` over a socket this test cuts while one of its statements
   * (`like`) waits in Postgres for `table`, which the test holds under an exclusive lock: taken at
   * once, or, with `lockOnCue`, when the service reaches the read the test hooked (so the reads
   * before it run). Then, with deadlines and the lock still held: that statement's backend is gone
   * (the statement cancelled and its connection closed: no transaction, no lock of it is left),
   * nothing waits for the lock any more and the download's place is back.
   */
  async function abandonWhileWaiting(o: { path: string; table: string; like: string; lockOnCue?: (lock: () => Promise<void>) => void }) {
    const renders = app.get<ConcurrencyLimiter>(REPORT_RENDERS);
    const server = app.getHttpServer() as Server;
    const locker = await db.pool.connect();
    let caller: ReturnType<typeof httpGet> | undefined;
    let listening = false;
    try {
      const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const lock = async () => {
        await locker.query('begin');
        await locker.query(`lock table ${o.table} in access exclusive mode`);
      };
      if (o.lockOnCue) o.lockOnCue(lock);
      else await lock();
      /** Backends of the download's statement, waiting for the lock this test holds. */
      const waiting = async () =>
        (
          await db.pool.query<{ pid: number }>(
            `select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid)) and state = 'active' and query like $2`,
            [lockerPid, o.like],
          )
        ).rows.map((r) => r.pid);

      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      listening = true;
      const port = (server.address() as AddressInfo).port;
      caller = httpGet({ host: '127.0.0.1', port, path: `/reports/organizations/${COUNTY.id}/${o.path}`, headers: as('county.organizer') });
      caller.on('error', () => undefined); // destroyed on purpose below
      const [pid] = await waitUntil('a statement of the download to wait for the lock in Postgres', async () => {
        const found = await waiting();
        return found.length === 1 ? found : undefined;
      });
      expect(renders.inUse).toBe(1);

      caller.destroy(); // the client leaves
      await waitUntil(
        'the waiting statement to be cancelled and its connection closed',
        async () =>
          (await db.pool.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0 && (await waiting()).length === 0,
        { timeoutMs: 5_000 },
      );
      await waitUntil('the download to give its place back', () => renders.inUse === 0, { timeoutMs: 5_000 });
    } finally {
      caller?.destroy();
      await locker.query('rollback').catch(() => undefined);
      locker.release();
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('stops the level queries of a workbook whose caller leaves: the running one is cancelled, no further level is read, nothing rendered', async () => {
    const breakdown = app.get(SqlBreakdownReadModel);
    const renderer = app.get(ExportRenderer);
    const [countBelow, below] = [breakdown.countBelow.bind(breakdown), breakdown.below.bind(breakdown)];
    const asked: string[] = [];
    let lockNow: () => Promise<void> = () => Promise.resolve();
    // The real reads, recorded; the second level's count finds the organisations locked by the test.
    const counts = jest.spyOn(breakdown, 'countBelow').mockImplementation(async (...a: Parameters<typeof countBelow>) => {
      asked.push(`count ${a[1]}`);
      if (a[1] === 2) await lockNow();
      return countBelow(...a);
    });
    const reads = jest.spyOn(breakdown, 'below').mockImplementation((...a: Parameters<typeof below>) => {
      asked.push(`rows ${a[1]}`);
      return below(...a);
    });
    const rendered = jest.spyOn(renderer, 'workbook');
    try {
      await abandonWhileWaiting({
        path: 'statistics.xlsx?period=2026',
        table: 'rpt_org',
        like: '%count(*)::int as n from rpt_org o%',
        lockOnCue: (lock) => (lockNow = lock),
      });
      // The county has two levels below: the first read, the second's count cancelled, its rows never asked.
      expect(asked).toEqual(['count 1', 'rows 1', 'count 2']);
      expect(rendered).not.toHaveBeenCalled();
    } finally {
      counts.mockRestore();
      reads.mockRestore();
      rendered.mockRestore();
    }
    // The pool it read through still serves: the next workbook is made.
    await http().get(`/reports/organizations/${COUNTY.id}/statistics.xlsx?period=2026`).set(as('county.organizer')).expect(200);
  });

  it('cancels the figures read of a work summary whose caller leaves, and renders nothing', async () => {
    const renderer = app.get(ExportRenderer);
    const rendered = jest.spyOn(renderer, 'docx');
    try {
      await abandonWhileWaiting({
        path: 'summary.docx?period=2026',
        table: 'rpt_fact_total',
        like: '%from rpt_fact_total t where t.anc_id%',
      });
      expect(rendered).not.toHaveBeenCalled();
    } finally {
      rendered.mockRestore();
    }
    await http().get(`/reports/organizations/${COUNTY.id}/summary.docx?period=2026`).set(as('county.organizer')).expect(200);
  });

  it('answers 503 with Retry-After, not 500, when a download’s read is stopped with its client still there (an operator’s cancel)', async () => {
    const locker = await db.pool.connect();
    try {
      const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await locker.query('begin');
      await locker.query('lock table rpt_fact_total in access exclusive mode');
      const answer = http()
        .get(`/reports/organizations/${COUNTY.id}/summary.docx?period=2026`)
        .set(as('county.organizer'))
        .then((r) => r);
      const [pid] = await waitUntil('the summary’s figures to wait for the lock', async () => {
        const { rows } = await db.pool.query<{ pid: number }>(
          `select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid)) and state = 'active' and query like '%from rpt_fact_total t where t.anc_id%'`,
          [lockerPid],
        );
        return rows.length === 1 ? rows.map((r) => r.pid) : undefined;
      });
      await db.pool.query('select pg_cancel_backend($1)', [pid]);
      const res = await answer;
      expect([res.status, res.body.code, res.headers['retry-after']]).toEqual([503, 'REPORT.RENDER_UNAVAILABLE', '5']);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      locker.release();
    }
  });

  it('reads through a pool of its own that plans every statement with its values; the projection keeps the plan cache (ADR 0096)', async () => {
    const planning = async (token: symbol) => {
      const c = await app.get<Pool>(token).connect();
      try {
        return (await c.query<{ plan_cache_mode: string }>('show plan_cache_mode')).rows[0]!.plan_cache_mode;
      } finally {
        c.release();
      }
    };
    expect(await planning(REPORTING_READ_POOL)).toBe('force_custom_plan');
    expect(await planning(REPORTING_POOL)).toBe('auto');
  });

  it('reports consumer lag per source topic, and none once the projection has caught up', async () => {
    await http().get('/lag').set(as('township.secretary')).expect(403);
    const lag = await waitUntil(
      'the committed offsets to reach the ends',
      async () => {
        const r = await http().get('/lag').set(as('province.auditor')).expect(200);
        const topics = (r.body as { topics: { topic: string; lag: number; end: number }[] }).topics;
        return topics.every((t) => t.lag === 0) ? topics : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(lag.find((t) => t.topic.endsWith('vanguard.evaluation.events.v1'))).toMatchObject({ lag: 0, end: 3 });
  });
});
