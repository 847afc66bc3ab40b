import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { createAuditTestApp } from './support/audit-test-app';
import {
  COUNTY,
  OTHER_COUNTY,
  OTHER_PROVINCE,
  TOWN,
  VILLAGE,
  appendUnder as append,
  createSubtreeStores,
  instantPastEveryEvent,
  pledgeMade,
  type SubtreeStores,
} from './support/subtree-stores';

const ROOT = path.join(__dirname, '..', '..', '..');
type Entry = { streamId: string; change: string };

/**
 * GET /organizations/:orgId/diff?fromAt&toAt: the streams of a subtree between two instants —
 * begun in between or moved in (added), moved out (removed), with events in between (changed),
 * each with the stream diff's field-by-field changes and events; one left untouched only counted;
 * nothing recorded after `toAt`; paged by stream id as the subtree as-of is; the page's streams in
 * the trail; 403 outside the caller's subtree, 400 naming the field; and `npm run audit --
 * diff-subtree` over HTTP.
 */
describe('audit: a subtree diffed between two instants (e2e)', () => {
  let stores: SubtreeStores;
  let audit: INestApplication;
  let tokens: Record<string, string>;
  let fromAt: string;
  let toAt: string;
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(audit.getHttpServer());
  const diffOf = (orgId: string, extra = '') =>
    `/organizations/${orgId}/diff?fromAt=${encodeURIComponent(fromAt)}&toAt=${encodeURIComponent(toAt)}${extra}`;
  const programme = 'award-programme-subtree-diff';

  beforeAll(async () => {
    stores = await createSubtreeStores('audit_subtree_diff');
    const { evaluationStore: evaluation, commendationStore: commendation } = stores;
    await append(evaluation, 'pledge-town', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await append(evaluation, 'pledge-village', VILLAGE, 1, 'evaluation.PledgeMade', pledgeMade(VILLAGE));
    await append(evaluation, 'pledge-moving-out', VILLAGE, 1, 'evaluation.PledgeMade', pledgeMade(VILLAGE));
    await append(evaluation, 'pledge-moving-in', OTHER_COUNTY, 1, 'evaluation.PledgeMade', pledgeMade(OTHER_COUNTY));
    await append(evaluation, 'pledge-other-county', OTHER_COUNTY, 1, 'evaluation.PledgeMade', pledgeMade(OTHER_COUNTY));
    await append(commendation, programme, COUNTY, 1, 'commendation.AwardProgrammeLaunched', {
      programmeId: 'subtree-diff',
      name: '优秀党员',
      orgId: COUNTY,
      level: 'county',
      categories: ['outstanding_member'],
      years: [2026],
      timeline: null,
      eligibilityPolicies: [],
    });
    fromAt = await instantPastEveryEvent(stores);
    await append(evaluation, 'pledge-town', TOWN, 2, 'evaluation.PledgePublished', {});
    await append(evaluation, 'pledge-late', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await append(evaluation, 'pledge-moving-out', OTHER_COUNTY, 2, 'evaluation.PledgeAmended', { dueOn: '2027-06-30' });
    await append(evaluation, 'pledge-moving-in', TOWN, 2, 'evaluation.PledgeAmended', { dueOn: '2027-03-31' });
    await append(evaluation, 'pledge-other-county', OTHER_COUNTY, 2, 'evaluation.PledgePublished', {});
    await append(commendation, programme, COUNTY, 2, 'commendation.QuotaAllocated', {
      unitOrgId: TOWN,
      category: 'outstanding_member',
      places: 2,
    });
    toAt = await instantPastEveryEvent(stores);
    // After `toAt`: in no answer.
    await append(evaluation, 'pledge-village', VILLAGE, 2, 'evaluation.PledgePublished', {});
    await append(evaluation, 'pledge-after', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));

    audit = await createAuditTestApp({
      schemas: { evaluation: stores.evaluation.schema, commendation: stores.commendation.schema },
      orgTreeSchema: stores.evaluation.schema,
    });
    tokens = {};
    for (const u of ['province.auditor', 'province.audit_supervisor']) tokens[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await audit?.close();
    await stores?.drop();
  });

  it('lists the streams added, removed and changed with their fields before and after, counts the rest, and records the query', async () => {
    const res = await http().get(diffOf(COUNTY)).set(as('province.auditor')).expect(200);
    expect(res.body).toMatchObject({
      orgId: COUNTY,
      organisations: 4,
      from: { asOf: fromAt },
      to: { asOf: toAt },
      unchanged: 1,
      nextAfter: null,
    });
    expect(res.body.streams.map((s: Entry) => [s.streamId, s.change])).toEqual([
      [programme, 'changed'],
      ['pledge-late', 'added'],
      ['pledge-moving-in', 'added'],
      ['pledge-moving-out', 'removed'],
      ['pledge-town', 'changed'],
    ]);
    const [quota, late, movedIn, movedOut, town] = res.body.streams;
    expect(town).toEqual({
      streamId: 'pledge-town',
      context: 'evaluation',
      change: 'changed',
      from: { version: 1 },
      to: { version: 2 },
      changes: [
        { path: 'status', before: 'awaiting_filing', after: 'published' },
        { path: 'version', before: 1, after: 2 },
      ],
      events: [expect.objectContaining({ streamVersion: 2, type: 'evaluation.PledgePublished', actor: 'county.organizer' })],
    });
    // Did not exist at `fromAt`: from version 0, every field from the decider's initial state.
    expect(late).toMatchObject({ context: 'evaluation', from: { version: 0 }, to: { version: 1 } });
    expect(late.changes).toEqual(
      expect.arrayContaining([
        { path: 'status', before: 'none', after: 'awaiting_filing' },
        { path: 'orgId', before: null, after: TOWN },
      ]),
    );
    const moved = (dueOn: string) => ({
      from: { version: 1 },
      to: { version: 2 },
      changes: [
        { path: 'dueOn', before: '2026-12-31', after: dueOn },
        { path: 'version', before: 1, after: 2 },
      ],
    });
    expect(movedIn).toMatchObject(moved('2027-03-31'));
    expect(movedOut).toMatchObject(moved('2027-06-30'));
    expect(quota).toMatchObject({ context: 'commendation', from: { version: 1 }, to: { version: 2 } });
    expect(quota.changes).toEqual([
      { path: `quotas.${TOWN}:outstanding_member`, after: 2 },
      { path: 'version', before: 1, after: 2 },
    ]);

    const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    const trail = await http().get(`/audit-trail?auditor=${sub}&limit=20`).set(as('province.audit_supervisor')).expect(200);
    // Every stream the page opened, unchanged ones included.
    expect(trail.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          query: 'subtree-diff',
          streams: [programme, 'pledge-late', 'pledge-moving-in', 'pledge-moving-out', 'pledge-town', 'pledge-village'],
          params: { orgId: COUNTY, fromAt, toAt, after: '', limit: 50 },
        }),
      ]),
    );
  });

  it('pages by stream id over the streams of either instant, the pages adding up to the whole', async () => {
    const pages: { streams: Entry[]; unchanged: number; nextAfter: string | null }[] = [];
    let after: string | null = '';
    while (after !== null) {
      const extra = `&limit=2${after ? `&after=${after}` : ''}`;
      const page = (await http().get(diffOf(COUNTY, extra)).set(as('province.auditor')).expect(200)).body as (typeof pages)[number];
      pages.push(page);
      after = page.nextAfter;
    }
    expect(pages.map((p) => [p.streams.map((s) => s.streamId), p.unchanged, p.nextAfter])).toEqual([
      [[programme, 'pledge-late'], 0, 'pledge-late'],
      [['pledge-moving-in', 'pledge-moving-out'], 0, 'pledge-moving-out'],
      [['pledge-town'], 1, null],
    ]);

    const village = await http().get(diffOf(VILLAGE)).set(as('province.auditor')).expect(200);
    expect(village.body).toMatchObject({ organisations: 1, unchanged: 1, streams: [{ streamId: 'pledge-moving-out', change: 'removed' }] });
  });

  it('refuses an organisation outside the caller’s subtree with 403, and one the tree does not hold with 404', async () => {
    for (const [orgId, status, code] of [
      [OTHER_PROVINCE, 403, 'AUDIT.FORBIDDEN'],
      ['00000000-0000-4000-8000-00000000ffff', 404, 'AUDIT.NOT_FOUND'],
    ] as const) {
      const res = await http().get(diffOf(orgId)).set(as('province.auditor'));
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
  });

  it('refuses bad input with 400 naming the field', async () => {
    const field = async (path: string) =>
      (await http().get(path).set(as('province.auditor')).expect(400)).body.errors?.[0]?.field as string | undefined;
    const [from, to] = [encodeURIComponent(fromAt), encodeURIComponent(toAt)];
    expect(await field(`/organizations/not-an-id/diff?fromAt=${from}&toAt=${to}`)).toBe('orgId');
    expect(await field(`/organizations/${COUNTY}/diff?toAt=${to}`)).toBe('fromAt');
    expect(await field(`/organizations/${COUNTY}/diff?fromAt=2026-11-30T10:00:00&toAt=${to}`)).toBe('fromAt');
    expect(await field(`/organizations/${COUNTY}/diff?fromAt=${from}`)).toBe('toAt');
    expect(await field(`/organizations/${COUNTY}/diff?fromAt=${from}&toAt=2026-13-01T10:00:00Z`)).toBe('toAt');
    expect(await field(`/organizations/${COUNTY}/diff?fromAt=${to}&toAt=${from}`)).toBe('toAt');
    expect(await field(diffOf(COUNTY, '&limit=0'))).toBe('limit');
    expect(await field(diffOf(COUNTY, '&limit=201'))).toBe('limit');
    expect(await field(diffOf(COUNTY, '&after=nonsense'))).toBe('after');
  });

  it('answers `npm run audit -- diff-subtree` over HTTP', async () => {
    await audit.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
    const args = ['diff-subtree', VILLAGE, '--from', fromAt, '--to', toAt, '--limit', '5'];
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', 'services/audit/src/cli/audit-cli.ts', ...args],
        { cwd: ROOT, env: { ...process.env, AUDIT_URL: url, VANGUARD_TOKEN: tokens['province.auditor'] } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({
      orgId: VILLAGE,
      streams: [{ streamId: 'pledge-moving-out', change: 'removed' }],
      unchanged: 1,
      nextAfter: null,
    });
  });
});
