import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { OrgTreeProjection } from '@vanguard/auth';
import { OrganizationDissolved, OrganizationRegistered } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import { RealmUsers, binaryBody, tokenFor, waitUntil } from '@vanguard/testing';
import { createAuditTestApp } from './support/audit-test-app';
import {
  COUNTY,
  OTHER_COUNTY,
  TOWN,
  appendUnder as append,
  createSubtreeStores,
  instantPastEveryEvent,
  pledgeMade,
  type SubtreeStores,
} from './support/subtree-stores';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

/** An answer's body with the request's own correlation id left out, and `from` read as `to`. */
const withoutRequestId = (body: Record<string, unknown>, from = '', to = ''): unknown => {
  const { correlationId, ...rest } = body;
  expect(typeof correlationId).toBe('string');
  return JSON.parse(from ? JSON.stringify(rest).replaceAll(from, to) : JSON.stringify(rest));
};

/** A village of the county's first township, dissolved before the suite reads its stream. */
const CEASED_VILLAGE = demoOrgId('910425101299');

const launched = (programmeId: string, orgId: string) => ({
  programmeId,
  name: '优秀党员',
  orgId,
  level: 'county',
  categories: ['outstanding_member'],
  years: [2026],
  timeline: null,
  eligibilityPolicies: [],
});

/**
 * Every stream, proof and export route holds a caller to the subtree of the organisation in their
 * token (DESIGN.md, ADR 0094): an auditor of county 910425 reads a stream only when one of its
 * events was recorded under an organisation of that county (a ceased one too), and any other
 * stream answers exactly as one that does not exist; what spans a whole store (everything, a time
 * range, the whole log) is for a root auditor only. The province's auditor sees no change. The
 * county auditor is made in the platform realm (RealmUsers) and removed afterwards. Also: a stream
 * with a version gone is refused (422), not folded or replayed over the gap; and a diff whose `to`
 * is before its `from` is refused naming the `to` field.
 */
describe('audit: a caller reads only inside their subtree (e2e)', () => {
  let stores: SubtreeStores;
  let audit: INestApplication;
  const users = new RealmUsers();
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const get = (user: string, path: string) => request(audit.getHttpServer()).get(path).set(as(user));
  let between: string;

  beforeAll(async () => {
    stores = await createSubtreeStores('audit_reach');
    const { evaluation, evaluationStore, commendationStore } = stores;
    const tree = new OrgTreeProjection();
    await tree.apply(evaluation.pool, {
      type: OrganizationRegistered.type,
      streamVersion: 0,
      data: {
        organizationId: CEASED_VILLAGE,
        parentId: TOWN,
        parentCode: '910425101',
        code: '910425101299',
        name: '撤销村',
        level: 'village',
      },
    });
    await append(evaluationStore, 'pledge-town', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await append(evaluationStore, 'pledge-other-county', OTHER_COUNTY, 1, 'evaluation.PledgeMade', pledgeMade(OTHER_COUNTY));
    await append(evaluationStore, 'pledge-moved-in', OTHER_COUNTY, 1, 'evaluation.PledgeMade', pledgeMade(OTHER_COUNTY));
    await append(evaluationStore, 'pledge-ceased', CEASED_VILLAGE, 1, 'evaluation.PledgeMade', pledgeMade(CEASED_VILLAGE));
    await append(evaluationStore, 'pledge-gap', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await append(evaluationStore, 'pledge-gap', TOWN, 2, 'evaluation.PledgePublished', {});
    await append(evaluationStore, 'pledge-gap', TOWN, 3, 'evaluation.PledgePublished', {});
    await append(
      commendationStore,
      'award-programme-in-county',
      COUNTY,
      1,
      'commendation.AwardProgrammeLaunched',
      launched('in-county', COUNTY),
    );
    await append(
      commendationStore,
      'award-programme-other-county',
      OTHER_COUNTY,
      1,
      'commendation.AwardProgrammeLaunched',
      launched('other-county', OTHER_COUNTY),
    );
    between = await instantPastEveryEvent(stores);
    await append(evaluationStore, 'pledge-town', TOWN, 2, 'evaluation.PledgePublished', {});
    await append(evaluationStore, 'pledge-moved-in', TOWN, 2, 'evaluation.PledgePublished', {});
    await tree.apply(evaluation.pool, {
      type: OrganizationDissolved.type,
      streamVersion: 1,
      data: { organizationId: CEASED_VILLAGE, dissolvedOn: '2026-06-30' },
    });

    audit = await createAuditTestApp({
      schemas: { evaluation: evaluation.schema, commendation: stores.commendation.schema },
      orgTreeSchema: evaluation.schema,
    });
    // An auditor whose token names the county.
    tokens['county.auditor'] = await users.signedIn(COUNTY, 'auditor', '测试审计员');
    // A supervisor of auditors whose token names the county.
    tokens['county.audit_supervisor'] = await users.signedIn(COUNTY, 'audit_supervisor', '测试审计监督');
    tokens['province.auditor'] = await tokenFor('province.auditor');
    tokens['province.audit_supervisor'] = await tokenFor('province.audit_supervisor');
  });
  afterAll(async () => {
    await users.removeAll();
    await audit?.close();
    if (stores) {
      for (const schema of [stores.evaluation.schema, stores.commendation.schema])
        await stores.evaluation.pool.query(`delete from audit.log_checkpoints where store = $1`, [schema]);
      await stores.drop();
    }
  });

  /** Every route that reads one stream of the evaluation store. */
  const streamRoutes = (s: string) => [
    `/streams/${s}/timeline`,
    `/streams/${s}/as-of?version=1`,
    `/streams/${s}/diff?fromVersion=1&toVersion=1`,
    `/streams/${s}/decisions/1/explain`,
    `/verify?stream=${s}`,
    `/transparency/evaluation/inclusion?stream=${s}&version=1`,
    `/transparency/evaluation/proof?stream=${s}&size=1`,
    `/transparency/evaluation/proof?stream=${s}&size=1&fromVersion=1`,
    `/transparency/evaluation/completeness?stream=${s}`,
    `/transparency/evaluation/export?stream=${s}`,
  ];

  it('answers a stream of another county exactly as one that does not exist, on every stream route', async () => {
    const other = streamRoutes('pledge-other-county');
    const unknown = streamRoutes('pledge-nobody');
    for (const [i, path] of other.entries()) {
      const refused = await get('county.auditor', path);
      const missing = await get('county.auditor', unknown[i]!);
      expect({ path, status: refused.status }).toEqual({ path, status: 404 });
      expect({ path, status: missing.status }).toEqual({ path, status: 404 });
      expect(withoutRequestId(refused.body, 'pledge-other-county', 'pledge-nobody')).toEqual(withoutRequestId(missing.body));
      expect(refused.body).toMatchObject({ code: 'AUDIT.NOT_FOUND' });
    }
    // A stream named beside one of the caller's own is refused just the same.
    await get('county.auditor', '/transparency/evaluation/export?stream=pledge-town&stream=pledge-other-county').expect(404);
    // Every refusal is in the auditors' trail, the export's too: a supervisor sees who probed.
    const sub = JSON.parse(Buffer.from(tokens['county.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    const trail = await get('province.audit_supervisor', `/audit-trail?auditor=${sub}&limit=200`).expect(200);
    const probed = (trail.body.entries as { query: string; streams: string[] }[])
      .filter((e) => e.streams.includes('pledge-other-county'))
      .map((e) => e.query);
    expect(probed).toEqual(expect.arrayContaining(['timeline', 'as-of', 'diff', 'explain', 'verify', 'export']));
    const exported = (trail.body.entries as { query: string; streams: string[]; params: Record<string, unknown> }[]).filter(
      (e) => e.query === 'export' && e.streams.includes('pledge-other-county'),
    );
    expect(exported.map((e) => e.params['refused'])).toEqual(exported.map(() => 'AUDIT.NOT_FOUND'));
  });

  it('answers a programme of another county as one that does not exist: as-of, diff and export', async () => {
    const at = encodeURIComponent(between);
    for (const [path, unknownPath] of [
      [`/programmes/other-county/as-of?at=${at}`, `/programmes/nobody/as-of?at=${at}`],
      [`/programmes/other-county/diff?fromAt=${at}&toAt=${at}`, `/programmes/nobody/diff?fromAt=${at}&toAt=${at}`],
      ['/transparency/commendation/export?programme=other-county', '/transparency/commendation/export?programme=nobody'],
    ] as const) {
      const refused = await get('county.auditor', path).expect(404);
      const missing = await get('county.auditor', unknownPath).expect(404);
      expect(withoutRequestId(refused.body, 'other-county', 'nobody')).toEqual(withoutRequestId(missing.body));
    }
    const own = await get('county.auditor', `/programmes/in-county/as-of?at=${at}`).expect(200);
    expect(own.body).toMatchObject({ programmeId: 'in-county', programme: { version: 1 } });
    await get('county.auditor', `/programmes/in-county/diff?fromAt=${at}&toAt=${at}`).expect(200);
  });

  it('reads a stream with any event recorded inside the county: its own, one moved in, one of a ceased village', async () => {
    for (const stream of ['pledge-town', 'pledge-moved-in', 'pledge-ceased']) {
      const res = await get('county.auditor', `/streams/${stream}/timeline`);
      expect({ stream, status: res.status }).toEqual({ stream, status: 200 });
    }
    const moved = await get('county.auditor', '/streams/pledge-moved-in/timeline').expect(200);
    expect(moved.body.events.map((e: { orgId: string }) => e.orgId)).toEqual([OTHER_COUNTY, TOWN]);
    // The log reads below the oldest transaction open anywhere on the server: another lane's long
    // transaction can hold this suite's events back (a clean-clone run read size 0), never for good.
    const { rows } = await stores.evaluation.pool.query<{ n: number }>(
      `select count(*)::int as n from "${stores.evaluation.schema}".events`,
    );
    let size = 0;
    await waitUntil(
      `the log to read the store's ${rows[0]!.n} events`,
      async () =>
        (size = (await get('county.auditor', '/transparency/evaluation/checkpoint').expect(200)).body.size as number) === rows[0]!.n,
      PAST_THE_HORIZON,
    );
    await get('county.auditor', `/transparency/evaluation/proof?stream=pledge-town&size=${size}`).expect(200);
    const bundle = await get('county.auditor', '/transparency/evaluation/export?stream=pledge-town')
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(bundle.headers['content-type']).toBe('application/gzip');
  });

  it('refuses what spans a whole store to an auditor below the root, with 403 and the reason', async () => {
    const sub = JSON.parse(Buffer.from(tokens['county.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    type Entry = { position: number; query: string; params: Record<string, unknown> };
    const entries = async () =>
      (await get('province.audit_supervisor', `/audit-trail?auditor=${sub}&limit=200`).expect(200)).body.entries as Entry[];
    const since = Math.max(0, ...(await entries()).map((e) => Number(e.position)));
    const from = encodeURIComponent('2026-01-01T00:00:00Z');
    const to = encodeURIComponent(new Date().toISOString());
    for (const path of [
      '/verify',
      `/verify?from=${from}&to=${to}`,
      '/transparency/evaluation/export-log',
      '/transparency/evaluation/completeness',
    ]) {
      const res = await get('county.auditor', path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body).toMatchObject({ code: 'AUDIT.FORBIDDEN', message: expect.stringContaining('only an auditor of a root') });
    }
    // The whole store's completeness lists missing events by stream, every county's: refused as JSON
    // when progress lines were asked for too, before a line is sent.
    const lines = await get('county.auditor', '/transparency/evaluation/completeness').set('Accept', 'application/x-ndjson');
    expect({ status: lines.status, type: lines.headers['content-type'] }).toEqual({
      status: 403,
      type: expect.stringMatching(/^application\/json/),
    });
    expect(lines.body.message).toMatch(/[\u4e00-\u9fff].* \/ .*only an auditor of a root/);
    // And an organisation outside the county, which is 403 as well; input it cannot read is 400 and no query.
    const at = encodeURIComponent(between);
    await get('county.auditor', `/organizations/${OTHER_COUNTY}/as-of?at=${at}`).expect(403);
    await get('county.auditor', `/organizations/${OTHER_COUNTY}/diff?fromAt=${at}&toAt=${at}`).expect(403);
    await get('county.auditor', `/organizations/not-an-id/as-of?at=${at}`).expect(400);
    // Each refusal is in the trail before it is answered: a supervisor sees who tried, not only who read.
    const trail = (await entries()).filter((e) => Number(e.position) > since);
    const refused = trail
      .filter((e) => e.params['refused'] === 'AUDIT.FORBIDDEN')
      .map((e) => [
        e.query,
        e.params['orgId'] ??
          e.params['whole'] ??
          (e.params['everything'] ? 'everything' : e.params['from'] ? 'a range' : e.query === 'completeness' && e.params['context']),
      ]);
    expect(refused).toEqual([
      ['subtree-diff', OTHER_COUNTY],
      ['subtree-as-of', OTHER_COUNTY],
      ['completeness', 'evaluation'],
      ['completeness', 'evaluation'],
      ['export', true],
      ['verify', 'a range'],
      ['verify', 'everything'],
    ]);
    // (An earlier test's export-completed may land after `since`: it is written once its bundle has left.)
    expect(trail.filter((e) => e.params['orgId'] === 'not-an-id')).toEqual([]);
  });

  it('refuses the auditors’ trail and its proofs to a supervisor below the root, with 403 and the reason, each refusal in the trail', async () => {
    const subOf = (user: string) => JSON.parse(Buffer.from(tokens[user]!.split('.')[1]!, 'base64url').toString()).sub as string;
    const auditor = subOf('county.auditor');
    // The trail is every auditor's, the province's and every county's: none of it is the county's alone.
    for (const path of [
      '/audit-trail',
      `/audit-trail?auditor=${auditor}`,
      `/audit-trail/proof?auditor=${auditor}&size=1`,
      `/audit-trail/proof?auditor=${auditor}&size=1&version=1`,
      '/audit-trail/consistency?from=1&to=1',
    ]) {
      const res = await get('county.audit_supervisor', path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body).toMatchObject({ code: 'AUDIT.FORBIDDEN', message: expect.stringContaining('only an audit supervisor of a root') });
      expect(res.body.message).toMatch(/[\u4e00-\u9fff].* \/ /);
    }
    // Input it cannot read is 400, and no query.
    await get('county.audit_supervisor', '/audit-trail?limit=0').expect(400);
    // Each refusal is in the trail with its code, once: the province's supervisor sees who tried.
    const trail = await get('province.audit_supervisor', `/audit-trail?auditor=${subOf('county.audit_supervisor')}&limit=200`).expect(200);
    expect(
      (trail.body.entries as { query: string; streams: string[]; params: Record<string, unknown> }[]).map((e) => [
        e.query,
        e.streams,
        e.params['refused'],
      ]),
    ).toEqual([
      ['trail-consistency', [], 'AUDIT.FORBIDDEN'],
      ['trail-proof', [`auditor-${auditor}`], 'AUDIT.FORBIDDEN'],
      ['trail-proof', [`auditor-${auditor}`], 'AUDIT.FORBIDDEN'],
      ['trail', [`auditor-${auditor}`], 'AUDIT.FORBIDDEN'],
      ['trail', [], 'AUDIT.FORBIDDEN'],
    ]);
  });

  it('changes nothing for the province’s auditor: every county’s streams, everything verified, the whole log exported', async () => {
    await get('province.auditor', '/streams/pledge-other-county/timeline').expect(200);
    await get('province.auditor', `/programmes/other-county/as-of?at=${encodeURIComponent(between)}`).expect(200);
    // An unknown stream is still the absence the map proves, not a 404.
    const absent = await get('province.auditor', '/transparency/evaluation/completeness?stream=pledge-nobody').expect(200);
    expect(absent.body).toMatchObject({ stream: 'pledge-nobody', events: 0 });
    // verify of a stream that does not exist is its 404 up front, not a 200 whose lines then say so.
    const unknown = await get('province.auditor', '/verify?stream=pledge-nobody').expect(404);
    expect(unknown.body).toMatchObject({ code: 'AUDIT.NOT_FOUND' });
    const verified = await get('province.auditor', '/verify').expect(200);
    expect(verified.text).toContain('"result"');
    await get('province.auditor', '/transparency/evaluation/export-log').buffer(true).parse(binaryBody).expect(200);
    const complete = await get('province.auditor', '/transparency/evaluation/completeness').expect(200);
    expect(complete.body).toMatchObject({ missingCount: 0, missing: [] });
  });

  it('refuses a diff whose `to` comes before its `from`, naming the `to` field, and a version too high by its own field', async () => {
    const at = encodeURIComponent(between);
    const field = async (path: string) => (await get('province.auditor', path).expect(400)).body.errors?.[0]?.field as string | undefined;
    expect(await field(`/streams/pledge-town/diff?fromAt=${at}&toVersion=999`)).toBe('toVersion');
    expect(await field(`/streams/pledge-town/diff?fromVersion=999&toAt=${at}`)).toBe('fromVersion');
    expect(await field('/streams/pledge-town/diff?fromVersion=2&toVersion=1')).toBe('toVersion');
    expect(await field(`/streams/pledge-town/diff?fromAt=${encodeURIComponent(new Date().toISOString())}&toAt=${at}`)).toBe('toAt');
    // An instant before version 2 against version 2: compared by the versions they fold to.
    expect(await field(`/streams/pledge-town/diff?fromVersion=2&toAt=${at}`)).toBe('toAt');
    expect(await field(`/programmes/in-county/diff?fromAt=${encodeURIComponent(new Date().toISOString())}&toAt=${at}`)).toBe('toAt');
    await get('province.auditor', `/streams/pledge-town/diff?fromAt=${at}&toVersion=2`).expect(200);
  });

  it('refuses a proof of another context’s stream with 400 naming stream, as its export is, not an absence proof', async () => {
    for (const path of [
      '/transparency/commendation/proof?stream=pledge-town&size=1',
      '/transparency/commendation/proof?stream=pledge-town&size=1&fromVersion=1',
      '/transparency/commendation/inclusion?stream=pledge-town&version=1',
    ]) {
      const res = await get('province.auditor', path);
      expect({ path, status: res.status, errors: res.body.errors }).toEqual({
        path,
        status: 400,
        errors: [{ field: 'stream', reason: expect.stringContaining('pledge-town is not in the commendation store') }],
      });
    }
  });

  it('refuses an impossible instant with 400 naming the field, not a shifted instant or a 500', async () => {
    for (const [path, name] of [
      ['/streams/pledge-town/as-of?at=2026-02-30T12:00Z', 'at'],
      ['/streams/pledge-town/as-of?at=2026-06-30T24:00Z', 'at'],
      [`/streams/pledge-town/as-of?at=${encodeURIComponent('0000-01-01T00:30+01:00')}`, 'at'],
      [`/streams/pledge-town/diff?fromAt=${encodeURIComponent('9999-12-31T23:30-01:00')}&toVersion=1`, 'fromAt'],
      ['/programmes/in-county/as-of?at=2026-02-30T12:00Z', 'at'],
      ['/verify?from=2026-02-30T00:00Z&to=2026-03-01T00:00Z', 'from'],
    ] as const) {
      const res = await get('province.auditor', path);
      expect({ path, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ path, status: 400, field: name });
    }
  });

  it('refuses a parameter the route does not take, and verify of a stream and a range at once, naming the field', async () => {
    const at = encodeURIComponent(between);
    for (const [path, name] of [
      // Misspelled, each was ignored and the route's default answered: for completeness the whole store's pass.
      ['/transparency/evaluation/completeness?stream%5B%5D=pledge-town', 'stream[]'],
      [`/streams/pledge-town/as-of?at=${at}&versoin=1`, 'versoin'],
      [`/organizations/${COUNTY}/as-of?at=${at}&limt=5`, 'limt'],
      ['/transparency/evaluation/export?stream=pledge-town&programme=x&earlier=1&extra=1', 'extra'],
      ['/audit-trail?auditr=x', 'auditr'],
      [`/programmes/in-county/as-of?at=${at}&version=3`, 'version'],
      [`/verify?stream=pledge-town&from=${at}&to=${at}`, 'from'],
      [`/verify?stream=pledge-town&to=${at}`, 'to'],
    ] as const) {
      const res = await get(path.startsWith('/audit-trail') ? 'province.audit_supervisor' : 'province.auditor', path);
      expect({ path, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ path, status: 400, field: name });
      expect(res.body.message).toMatch(/[\u4e00-\u9fff].* \/ /);
    }
    // A control character in a parameter's name is refused by the shared text check, and not echoed.
    const odd = await get('province.auditor', '/verify?a%07b=1').expect(400);
    expect(odd.body.errors[0]).toMatchObject({ field: '(keys)', reason: expect.stringContaining('U+0007') });
    expect(JSON.stringify(odd.body)).not.toContain('\\u0007');
    // What each route does take is still taken, and named in the OpenAPI document.
    await get('province.auditor', `/streams/pledge-town/timeline?fromVersion=1&limit=5`).expect(200);
    await get('province.auditor', `/organizations/${COUNTY}/as-of?at=${at}&limit=5`).expect(200);
    const doc = await request(audit.getHttpServer()).get('/docs/openapi.json').expect(200);
    const named = (route: string) =>
      (doc.body.paths[route].get.parameters as { name: string; in: string }[]).filter((p) => p.in === 'query').map((p) => p.name);
    expect(named('/verify')).toEqual(['stream', 'from', 'to']);
    expect(named('/organizations/{orgId}/as-of')).toEqual(['at', 'after', 'limit']);
  });

  it('refuses to fold or replay a stream with a version gone, naming the broken link (422)', async () => {
    await get('province.auditor', '/streams/pledge-gap/as-of?version=3').expect(200);
    const c = await stores.evaluation.pool.connect();
    try {
      await c.query('begin');
      // Only the owner, with the store's triggers off, can take a row out.
      await c.query('set local session_replication_role = replica');
      await c.query(`delete from "${stores.evaluation.schema}".events where stream_id = 'pledge-gap' and stream_version = 2`);
      await c.query('commit');
    } finally {
      c.release();
    }
    for (const path of [
      '/streams/pledge-gap/as-of?version=3',
      `/streams/pledge-gap/as-of?at=${encodeURIComponent(new Date().toISOString())}`,
      '/streams/pledge-gap/diff?fromVersion=1&toVersion=3',
      '/streams/pledge-gap/decisions/2/explain',
    ]) {
      const res = await get('province.auditor', path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 422, code: 'AUDIT.STREAM_BROKEN' });
      expect(res.body.message).toContain('version 2 is missing: version 3 follows version 1');
    }
  });
});
