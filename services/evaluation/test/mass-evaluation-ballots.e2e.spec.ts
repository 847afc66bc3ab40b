import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { inflateSync } from 'node:zlib';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { issueCodes, openVillageWindow } from './support/village-window';

const VILLAGE = demoOrgId('910425101201');
const withoutCorrelation = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });

/** 群众评议 through HTTP: real Keycloak tokens for the evaluators, no token at all for the voters. */
describe('mass evaluation ballots (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());

  const openWindow = (eligibleVoters: number) => openVillageWindow(app, tokens['township.secretary']!, eligibleVoters);
  const issue = async (windowId: string, count: number) => {
    const res = await issueCodes(app, tokens['township.secretary']!, windowId, count);
    expect(res.status).toBe(201);
    return res.body.codes as string[];
  };
  const vote = (windowId: string, code: string, rating = 'satisfied', comment?: string) =>
    http()
      .post(`/mass-evaluations/${windowId}/ballots`)
      .send({ code, rating, ...(comment === undefined ? {} : { comment }) });
  const ballotsIn = async (windowId: string) =>
    Number((await db.query(`select count(*) from evaluation.mass_evaluation_ballot where window_id = $1`, [windowId])).rows[0].count);

  beforeAll(async () => {
    process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'] = '100000';
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    for (const u of ['township.secretary', 'other.township.secretary', 'province.auditor']) tokens[u] = await tokenFor(u);
  });
  afterAll(async () => {
    delete process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'];
    await db?.end();
    await app?.close();
  });

  it('lets an anonymous voter vote once, and answers a used and an unknown code alike', async () => {
    const windowId = await openWindow(5);
    const [code] = await issue(windowId, 1);
    const first = await vote(windowId, code!.toLowerCase().replace(/-/g, ' '), 'basically_satisfied');
    expect({ status: first.status, body: first.body }).toEqual({ status: 201, body: { counted: true } });
    const again = await vote(windowId, code!);
    const unknown = await vote(windowId, 'ABCD-EFGH-JKMN-PQRS');
    const otherWindow = await vote('00000000-0000-4000-8000-00000000dead', code!);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('BALLOT.CODE_REFUSED');
    for (const r of [unknown, otherWindow]) {
      expect(r.status).toBe(again.status);
      expect(withoutCorrelation(r.body)).toEqual(withoutCorrelation(again.body));
      expect(Object.keys(r.headers).sort()).toEqual(Object.keys(again.headers).sort());
    }
    expect(await ballotsIn(windowId)).toBe(1);
  });

  it('counts exactly one of fifty concurrent ballots with one code', async () => {
    const windowId = await openWindow(3);
    const [code] = await issue(windowId, 1);
    const answers = await Promise.all(Array.from({ length: 50 }, () => vote(windowId, code!, 'dissatisfied')));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 403)).toHaveLength(49);
    expect(await ballotsIn(windowId)).toBe(1);
  });

  it('issues no more codes than eligible voters, even to fifty concurrent requests', async () => {
    const windowId = await openWindow(10);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        http().post(`/mass-evaluations/${windowId}/codes`).set(as('township.secretary')).send({ count: 1, format: 'json' }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 422).every((a) => a.body.code === 'MASS_EVALUATION.CODES_EXCEED_VOTERS')).toBe(true);
    expect(answers.filter((a) => a.status === 422)).toHaveLength(40);
    const view = await http().get(`/mass-evaluations/${windowId}`).set(as('township.secretary'));
    expect(view.body).toMatchObject({ status: 'open', eligibleVoters: 10, codesIssued: 10 });
  });

  it('closes with a tally equal to an independent count, counts nothing after, and publishes the rate', async () => {
    const windowId = await openWindow(20);
    const codes = await issue(windowId, 12);
    const ratings = [
      'satisfied',
      'satisfied',
      'satisfied',
      'satisfied',
      'satisfied',
      'basically_satisfied',
      'basically_satisfied',
      'dissatisfied',
    ];
    const cast = await Promise.all(ratings.map((r, i) => vote(windowId, codes[i]!, r)));
    expect(cast.map((c) => c.status)).toEqual(ratings.map(() => 201));

    const closed = await http().post(`/mass-evaluations/${windowId}/close`).set(as('township.secretary'));
    expect(closed.status).toBe(200);
    const late = await vote(windowId, codes[10]!);
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('BALLOT.CODE_REFUSED');

    const counted = await db.query<{ rating: string; n: number }>(
      `select rating, count(*)::int as n from evaluation.mass_evaluation_ballot where window_id = $1 group by rating`,
      [windowId],
    );
    const sql = Object.fromEntries(counted.rows.map((r) => [r.rating, r.n]));
    const events = await db.query<{ type: string; canonical: string }>(
      `select type, canonical from evaluation.events where stream_id = $1 order by stream_version`,
      [`mass-evaluation-${windowId}`],
    );
    const closedEvent = events.rows.find((e) => e.type === 'evaluation.MassEvaluationClosed')!;
    expect((JSON.parse(closedEvent.canonical) as { data: unknown }).data).toMatchObject({
      tally: { satisfied: sql['satisfied'], basicallySatisfied: sql['basically_satisfied'], dissatisfied: sql['dissatisfied'] },
      ballotsCast: 8,
      satisfactionPermille: 875,
      decision: {
        decidedBy: { sub: expect.any(String), role: 'branch_secretary' },
        inputs: [
          // opened, then one batch of codes issued (BallotCodesIssued)
          { streamId: `mass-evaluation-${windowId}`, version: 2 },
          { streamId: `ballot-box-${windowId}`, version: 8 },
        ],
        rule: { id: 'evaluation.satisfaction-rate', version: 1 },
      },
    });
    expect(await ballotsIn(windowId)).toBe(8);

    expect((await http().get(`/mass-evaluations/${windowId}/result`)).status).toBe(404);
    expect((await http().post(`/mass-evaluations/${windowId}/publish`).set(as('township.secretary'))).status).toBe(200);
    // Published again: said as it is, not "not closed".
    const republished = await http().post(`/mass-evaluations/${windowId}/publish`).set(as('township.secretary'));
    expect([republished.status, republished.body.code]).toEqual([409, 'MASS_EVALUATION.ALREADY_PUBLISHED']);
    const result = await http().get(`/mass-evaluations/${windowId}/result`);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      windowId,
      orgId: VILLAGE,
      subjectKind: 'organization',
      tally: { satisfied: 5, basicallySatisfied: 2, dissatisfied: 1 },
      ballotsCast: 8,
      satisfactionPermille: 875,
    });
    const twice = await http().post(`/mass-evaluations/${windowId}/close`).set(as('township.secretary'));
    expect(twice.status).toBe(409);
  });

  it('keeps nothing in the ballot box that links a ballot to its code', async () => {
    const columns = await db.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_schema = 'evaluation' and table_name = 'mass_evaluation_ballot' order by column_name`,
    );
    expect(columns.rows.map((c) => c.column_name)).toEqual(['comment', 'rating', 'window_id']);
    const windowId = await openWindow(4);
    const codes = await issue(windowId, 4);
    expect((await vote(windowId, codes[0]!, 'satisfied', codes[1])).status).toBe(201);
    expect((await vote(windowId, codes[2]!)).status).toBe(201);
    // The only shared column is the window: joining on it pairs every ballot with every code left,
    // and no stored value of a ballot equals a code, its hash, or any value of the code table.
    const pairs = await db.query(
      `select count(*)::int as n from evaluation.mass_evaluation_ballot b join evaluation.mass_evaluation_code c using (window_id) where b.window_id = $1`,
      [windowId],
    );
    expect(pairs.rows[0].n).toBe(2 * 2);
    const leaks = await db.query(
      `select count(*)::int as n from evaluation.mass_evaluation_ballot b, evaluation.mass_evaluation_code c
        where b.window_id = $1 and (encode(c.code_hash, 'hex') in (b.comment, b.rating) or b.comment = any($2::text[]))`,
      [windowId, codes.filter((_, i) => i !== 1)],
    );
    expect(leaks.rows[0].n).toBe(0);
    const stored = await db.query(`select count(*)::int as n from evaluation.mass_evaluation_code where window_id = $1`, [windowId]);
    expect(stored.rows[0].n).toBe(2);
    const clear = await db.query(
      `select count(*)::int as n from evaluation.mass_evaluation_code where window_id = $1 and encode(code_hash, 'escape') like any($2::text[])`,
      [windowId, codes.map((c) => `%${c}%`)],
    );
    expect(clear.rows[0].n).toBe(0);
    expect((await http().post(`/mass-evaluations/${windowId}/close`).set(as('township.secretary'))).status).toBe(200);
    const left = await db.query(`select count(*)::int as n from evaluation.mass_evaluation_code where window_id = $1`, [windowId]);
    expect(left.rows[0].n).toBe(0);
  });

  it('stores a comment as plain text without invisible characters, readable after closing only', async () => {
    const windowId = await openWindow(2);
    const [code] = await issue(windowId, 1);
    // A direction override would reorder what the reader sees: refused at the edge, and the code is not spent.
    const reordering = await vote(windowId, code!, 'dissatisfied', '路灯\u202e坏了');
    expect(reordering.status).toBe(400);
    expect(reordering.body.errors).toEqual([{ field: 'comment', reason: expect.stringContaining('U+202E') }]);
    // So is a control character no document can hold (a bell); the invisible marks a phone's keyboard may add are taken out.
    const bell = await vote(windowId, code!, 'dissatisfied', '路灯坏了\u0007');
    expect([bell.status, bell.body.errors]).toEqual([400, [{ field: 'comment', reason: expect.stringContaining('U+0007') }]]);
    expect((await vote(windowId, code!, 'dissatisfied', '  路灯\u200e坏了没人修 <b>x</b>\u200b ')).status).toBe(201);
    expect((await http().get(`/mass-evaluations/${windowId}/comments`).set(as('township.secretary'))).status).toBe(409);
    expect((await http().post(`/mass-evaluations/${windowId}/close`).set(as('township.secretary'))).status).toBe(200);
    const comments = await http().get(`/mass-evaluations/${windowId}/comments`).set(as('township.secretary'));
    expect(comments.body).toEqual([{ rating: 'dissatisfied', comment: '路灯坏了没人修 <b>x</b>' }]);
    const tooLong = await vote(windowId, 'ABCD-EFGH-JKMN-PQRS', 'satisfied', '长'.repeat(501));
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body.errors)).toContain('comment');
  });

  it('prints the codes as a PDF sheet of QR codes with Chinese labels', async () => {
    const windowId = await openWindow(30);
    const res = await http()
      .post(`/mass-evaluations/${windowId}/codes`)
      .set(as('township.secretary'))
      .send({ count: 13 })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(pdf.toString('latin1')).toContain('/Count 2'); // 13 slips: twelve a page
    const text = [...pdf.toString('latin1').matchAll(/stream\n([\s\S]*?)\nendstream/g)]
      .map((m) => inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1'))
      .join('\n');
    const printed = [...text.matchAll(/\(([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\) Tj/g)].map((m) => m[1]!);
    expect(printed).toHaveLength(13);
    const hex = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0').toUpperCase()).join('');
    expect(text).toContain(`<${hex('满意度测评')}`);
    const voted = await vote(windowId, printed[12]!);
    expect(voted.status).toBe(201);
  });

  it('answers a window of another township like one that does not exist', async () => {
    const windowId = await openWindow(2);
    const res = await http().get(`/mass-evaluations/${windowId}`).set(as('other.township.secretary'));
    const missing = await http().get(`/mass-evaluations/00000000-0000-4000-8000-00000000beef`).set(as('other.township.secretary'));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(missing.body.code);
    const codes = await http().post(`/mass-evaluations/${windowId}/codes`).set(as('other.township.secretary')).send({ count: 1 });
    expect(codes.status).toBe(404);
    const bad = await http()
      .post('/mass-evaluations')
      .set(as('township.secretary'))
      .send({
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        eligibleVoters: 0,
        opensOn: '2011-06-02',
        closesOn: '2011-06-09',
      });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('eligibleVoters');
  });
});
