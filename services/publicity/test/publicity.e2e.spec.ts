import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CommendationDecided } from '@vanguard/contracts';
import type { Server } from 'node:http';
import { REQUEST_TIMEOUT_GRACE_MS } from '@vanguard/http';
import { waitUntil, tokenFor, type TestSchema } from '@vanguard/testing';
import { ATTACHMENT_UPLOAD_MS } from '../src/interface/http/attachments.http.controller';
import { MAX_ATTACHMENT_BYTES } from '../src/domain/content/attachment';
import { XSS_PAYLOADS } from '../src/domain/content/xss-payloads.fixture';
import { COUNTY, VILLAGE, closeProducer, createPublicityTestApp, decided, produce, revoked } from './support/publicity-test-app';

// The service over HTTP with real Keycloak tokens, fed by real events on Kafka: the editor's
// flow from a decided commendation to the honour roll, the roll without a token (ETag, 304,
// a revocation gone at once and explained), articles with hostile rich text, attachments
// checked by size and by their bytes.
describe('publicity over HTTP', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let editor: string;
  let secretary: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    ({ app, schema } = await createPublicityTestApp('publicity_e2e'));
    [editor, secretary] = await Promise.all([tokenFor('county.editor'), tokenFor('village.secretary')]);
  });

  afterAll(async () => {
    await app?.close();
    await closeProducer();
    await schema?.drop();
  });

  const proposalFor = (nominationId: string) =>
    waitUntil(
      'the proposal',
      async () =>
        (await schema.pool.query<{ id: string }>(`select id from exemplars where nomination_id = $1`, [nominationId])).rows[0]?.id,
      { timeoutMs: 60_000 },
    );

  it('lets Node wait for an attachment as long as one may take (multer keeps no clock), and no longer', () => {
    const server = app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(server.headersTimeout + ATTACHMENT_UPLOAD_MS + REQUEST_TIMEOUT_GRACE_MS);
  });

  it('an editor edits and publishes a proposal; the roll shows it without a token, with ETag and 304', async () => {
    const event = decided('孙桂兰');
    await produce(CommendationDecided.topic, event);
    const id = await proposalFor(event.data.nominationId);

    await http().get(`/exemplars/${id}`).expect(401);
    await http().get(`/exemplars/${id}`).set('Authorization', `Bearer ${secretary}`).expect(403);
    const edited = await http()
      .patch(`/exemplars/${id}`)
      .set('Authorization', `Bearer ${editor}`)
      .send({ story: '<p onclick="x()">扎根基层<script>alert(1)</script>二十年</p>' })
      .expect(200);
    expect(edited.body.story).toBe('<p>扎根基层二十年</p>');
    await http().post(`/exemplars/${id}/accept`).set('Authorization', `Bearer ${editor}`).expect(200);
    const again = await http().post(`/exemplars/${id}/accept`).set('Authorization', `Bearer ${editor}`).expect(422);
    expect(again.body.message).toContain('publicity.exemplar-must-be-proposed@1');

    const roll = await http().get('/honour-roll?limit=200').expect(200);
    const entry = roll.body.items.find((i: { name: string }) => i.name === '孙桂兰');
    expect(entry).toEqual({
      kind: 'commendation',
      name: '孙桂兰',
      orgName: '红石村党支部',
      category: 'outstanding_member',
      documentNumber: '松组发〔2026〕5号',
      on: '2026-06-28',
      story: '<p>扎根基层二十年</p>',
    });
    const etag = roll.headers['etag'] as string;
    expect(etag).toMatch(/^W\/"roll-\d+"$/);
    const notModified = await http().get('/honour-roll?limit=200').set('If-None-Match', etag).expect(304);
    expect(notModified.text).toBe('');
  });

  it('refuses an edit that would show a phone or ID-card number on the roll, or that sends a field as null, and changes nothing', async () => {
    const event = decided('钱玉珍');
    await produce(CommendationDecided.topic, event);
    const id = await proposalFor(event.data.nominationId);
    const edit = (body: object) => http().patch(`/exemplars/${id}`).set('Authorization', `Bearer ${editor}`).send(body);
    const before = (await http().get(`/exemplars/${id}`).set('Authorization', `Bearer ${editor}`).expect(200)).body as { version: number };

    for (const story of ['<p>联系电话138<strong>1234</strong>5678</p>', '<p>身份证110101\u200b199003077777</p>']) {
      const refused = await edit({ story });
      expect([refused.status, refused.body.code]).toEqual([400, 'EXEMPLAR.PERSONAL_NUMBERS']);
    }
    for (const body of [{ name: null }, { story: null }, {}]) expect((await edit(body)).status).toBe(400);

    const after = (await http().get(`/exemplars/${id}`).set('Authorization', `Bearer ${editor}`).expect(200)).body as { version: number };
    expect(after.version).toBe(before.version);
  });

  it('an editor takes a published exemplar down: its story leaves the roll, the history says why, and integrators are told', async () => {
    const event = decided('吴德顺');
    await produce(CommendationDecided.topic, event);
    const id = await proposalFor(event.data.nominationId);
    const takeDown = (body: object, token = editor) =>
      http().post(`/exemplars/${id}/take-down`).set('Authorization', `Bearer ${token}`).send(body);
    const version = async () =>
      ((await http().get(`/exemplars/${id}`).set('Authorization', `Bearer ${editor}`)).body as { version: number }).version;

    const early = await takeDown({ reason: '有误' });
    expect([early.status, early.body.code]).toEqual([422, 'EXEMPLAR.NOT_PUBLISHED']);
    await http().patch(`/exemplars/${id}`).set('Authorization', `Bearer ${editor}`).send({ story: '<p>带领群众修路</p>' }).expect(200);
    await http().post(`/exemplars/${id}/accept`).set('Authorization', `Bearer ${editor}`).expect(200);
    const published = await http().get('/honour-roll?limit=200').expect(200);
    const shown = (res: typeof published) =>
      (res.body as { items: { name: string; kind: string; story: string | null }[] }).items.find((i) => i.name === '吴德顺')!;
    expect(shown(published).story).toBe('<p>带领群众修路</p>');

    const before = await version();
    await http().post(`/exemplars/${id}/take-down`).send({ reason: '有误' }).expect(401);
    expect((await takeDown({ reason: '有误' }, secretary)).status).toBe(403);
    for (const [body, code] of [
      [{ reason: '   ' }, 'REQUEST.INVALID'],
      [{ reason: '\u200b\u200b' }, 'REQUEST.INVALID'],
      [{ reason: '经查失实 <b>x</b>' }, 'REQUEST.INVALID'],
      [{ reason: '本人电话13812345678要求撤下' }, 'EXEMPLAR.PERSONAL_NUMBERS'],
      [{}, 'REQUEST.INVALID'],
    ] as const) {
      const refused = await takeDown(body);
      expect([refused.status, refused.body.code]).toEqual([400, code]);
    }
    expect(await version()).toBe(before);

    // Ten editors' clicks at once: one takes it down, the others are told it is no longer published.
    const answers = await Promise.all(Array.from({ length: 10 }, () => takeDown({ reason: '事迹经核实有出入' })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, ...Array<number>(9).fill(422)]);
    expect(answers.find((r) => r.status === 200)!.body).toMatchObject({ status: 'withdrawn', version: before + 1 });

    // The commendation is a formal decision and stays; the exemplar's story goes with it.
    const after = await http().get('/honour-roll?limit=200').expect(200);
    expect(after.headers['etag']).not.toBe(published.headers['etag']);
    expect(shown(after)).toMatchObject({ kind: 'commendation', story: null });
    const history = await http().get('/honour-roll/history').expect(200);
    expect(history.body.items).toContainEqual(
      expect.objectContaining({ change: 'withdrawn', name: '吴德顺', reason: '事迹经核实有出入', at: expect.stringMatching(/Z$/) }),
    );
    const outbox = await schema.pool.query<{ data: Record<string, unknown> }>(
      `select envelope->'data' as data from vanguard_outbox where event_type = 'publicity.ExemplarTakenDown' and envelope->'data'->>'exemplarId' = $1`,
      [id],
    );
    expect(outbox.rows).toEqual([
      {
        data: expect.objectContaining({
          exemplarId: id,
          orgId: VILLAGE,
          reason: '事迹经核实有出入',
          publishedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          takenDownOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        }),
      },
    ]);
  });

  it('a revocation takes the commendation off the roll at once, changes the ETag, and the history says when and why', async () => {
    const event = decided('周志强');
    await produce(CommendationDecided.topic, event);
    await proposalFor(event.data.nominationId);
    const before = await http().get('/honour-roll?limit=200').expect(200);
    expect(before.body.items.map((i: { name: string }) => i.name)).toContain('周志强');

    await produce(CommendationDecided.topic, revoked(event.data.nominationId, '经查，事迹材料失实'));
    const after = await waitUntil(
      'the roll without the revoked commendation',
      async () => {
        const res = await http()
          .get('/honour-roll?limit=200')
          .set('If-None-Match', before.headers['etag'] as string);
        return res.status === 200 && res;
      },
      // Polled gently: the roll's per-address limit applies to the test's address too.
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(after.body.items.map((i: { name: string }) => i.name)).not.toContain('周志强');
    const history = await http().get('/honour-roll/history').expect(200);
    expect(history.body.items).toContainEqual(
      expect.objectContaining({
        change: 'revoked',
        name: '周志强',
        documentNumber: '松组发〔2026〕9号',
        reason: '经查，事迹材料失实',
        at: expect.stringMatching(/Z$/),
      }),
    );
    const exemplar = await schema.pool.query(`select status from exemplars where nomination_id = $1`, [event.data.nominationId]);
    expect(exemplar.rows).toEqual([{ status: 'withdrawn' }]);
  });

  it('article bodies keep nothing that runs from any known XSS payload; titles refuse markup with the field named', async () => {
    const body = XSS_PAYLOADS.join('\n');
    const created = await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: VILLAGE, title: '红石村合作社见闻', body: `<p>正文 <a href="https://news.example/1">原文</a></p>${body}<p>结尾</p>` })
      .expect(201);
    const stored: string = created.body.bodyHtml;
    for (const tag of stored.match(/<[^>]*>/g) ?? [])
      expect(tag).toMatch(
        /^<\/?(p|br|strong|b|em|i|u|h2|h3|h4|ul|ol|li|blockquote|a)( href="https?:\/\/[^"]*" rel="noopener noreferrer nofollow")?>$/,
      );
    expect(stored).toContain('<p>正文 <a href="https://news.example/1" rel="noopener noreferrer nofollow">原文</a></p>');
    expect(stored.replace(/<[^>]*>/g, '')).not.toMatch(/[<>"]/);

    const bad = await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: VILLAGE, title: '<img src=x onerror=alert(1)>', body: 'x' })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('title');
  });

  it('an article goes draft → review → published; a reprint counts once per outlet; statistics weigh the subtree', async () => {
    const { body: a } = await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: VILLAGE, title: '稿件', body: '<p>x</p>' })
      .expect(201);
    const pub = { outlet: '人民日报', level: 'central', channel: 'press', publishedOn: '2026-05-01', link: 'https://paper.example/a' };
    const early = await http().post(`/articles/${a.id}/publications`).set('Authorization', `Bearer ${editor}`).send(pub).expect(422);
    expect(early.body.message).toContain('publicity.article-state@1');
    await http().post(`/articles/${a.id}/submit`).set('Authorization', `Bearer ${editor}`).expect(200);
    await http().post(`/articles/${a.id}/publications`).set('Authorization', `Bearer ${editor}`).send(pub).expect(201);
    await http()
      .post(`/articles/${a.id}/publications`)
      .set('Authorization', `Bearer ${editor}`)
      .send({ ...pub, outlet: '内蒙古日报', level: 'provincial' })
      .expect(201);
    const dup = await http()
      .post(`/articles/${a.id}/publications`)
      .set('Authorization', `Bearer ${editor}`)
      .send({ ...pub, outlet: ' 人民日报 ' })
      .expect(409);
    expect(dup.body.message).toContain('publicity.reprint-once-per-outlet@1');

    const stats = await http()
      .get(`/media-statistics?orgId=${COUNTY}&from=2026-01-01&to=2026-12-31`)
      .set('Authorization', `Bearer ${editor}`)
      .expect(200);
    expect(stats.body.byLevel.central.publications).toBeGreaterThanOrEqual(1);
    expect(stats.body.publications).toBe(
      stats.body.byLevel.central.publications +
        stats.body.byLevel.provincial.publications +
        stats.body.byLevel.municipal.publications +
        stats.body.byLevel.county.publications,
    );
    await http()
      .get(`/media-statistics?orgId=${COUNTY}&from=2026-13-01&to=2026-12-31`)
      .set('Authorization', `Bearer ${editor}`)
      .expect(400);
  });

  it('attachments: a PNG is kept by its bytes; HTML named .png and an oversize file are refused', async () => {
    const { body: a } = await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: VILLAGE, title: '附件稿', body: 'x' })
      .expect(201);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    const ok = await http()
      .post(`/articles/${a.id}/attachments`)
      .set('Authorization', `Bearer ${editor}`)
      .attach('file', png, { filename: 'photo.png', contentType: 'image/png' })
      .expect(201);
    expect(ok.body).toMatchObject({ contentType: 'image/png', size: png.length });
    const back = await http().get(`/attachments/${ok.body.id}`).set('Authorization', `Bearer ${editor}`).expect(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.headers['x-content-type-options']).toBe('nosniff');

    const forged = await http()
      .post(`/articles/${a.id}/attachments`)
      .set('Authorization', `Bearer ${editor}`)
      .attach('file', Buffer.from('<html><script>alert(1)</script></html>'), { filename: 'photo.png', contentType: 'image/png' })
      .expect(400);
    expect(forged.body.code).toBe('ATTACHMENT.TYPE_NOT_ALLOWED');
    const big = Buffer.concat([png, Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    await http()
      .post(`/articles/${a.id}/attachments`)
      .set('Authorization', `Bearer ${editor}`)
      .attach('file', big, { filename: 'big.png', contentType: 'image/png' })
      .expect(413);
    const count = await schema.pool.query(`select count(*)::int as n from attachments where owner_id = $1`, [a.id]);
    expect(count.rows[0]).toEqual({ n: 1 });

    // The same photo twenty times at once (an impatient double-click, a retrying client): one row, one id.
    const photo = Buffer.concat([png, Buffer.from('another photo')]);
    const again = await Promise.all(
      Array.from({ length: 20 }, () =>
        http()
          .post(`/articles/${a.id}/attachments`)
          .set('Authorization', `Bearer ${editor}`)
          .attach('file', photo, { filename: 'again.png', contentType: 'image/png' }),
      ),
    );
    expect(again.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(again.map((r) => r.body.id as string)).size).toBe(1);
    const after = await schema.pool.query(`select count(*)::int as n from attachments where owner_id = $1`, [a.id]);
    expect(after.rows[0]).toEqual({ n: 2 });
  });

  it('an editor cannot reach another county’s article (404) nor write for it (403)', async () => {
    const other = '00000000-0000-4000-8000-000000910426';
    const res = await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: other, title: 't', body: 'b' })
      .expect(403);
    expect(res.body.code).toBe('SCOPE.OUT_OF_SCOPE');
    await http().get(`/articles/${randomUUID()}`).set('Authorization', `Bearer ${editor}`).expect(404);
  });

  it('an organisation the tree never held is 404 ORGANIZATION.NOT_FOUND wherever an orgId is named, not the 403 of another county', async () => {
    const unknown = randomUUID();
    const answers = [
      await http().post('/columns').set('Authorization', `Bearer ${editor}`).send({ orgId: unknown, name: '无此组织专栏' }),
      await http().post('/articles').set('Authorization', `Bearer ${editor}`).send({ orgId: unknown, title: 't', body: 'b' }),
      await http()
        .get('/media-statistics')
        .query({ orgId: unknown, from: '2026-01-01', to: '2026-12-31' })
        .set('Authorization', `Bearer ${editor}`),
    ];
    expect(answers.map((r) => [r.status, (r.body as { code?: string }).code])).toEqual(Array(3).fill([404, 'ORGANIZATION.NOT_FOUND']));
  });

  it('lists only the editor’s subtree, paged after the scope filter: another county’s rows neither show nor count', async () => {
    const other = '00000000-0000-4000-8000-000000910426';
    const column = randomUUID();
    await schema.pool.query(`insert into columns (id, org_id, name, description, created_at) values ($1, $2, '外县专栏', '', now())`, [
      column,
      other,
    ]);
    for (let i = 0; i < 3; i++) {
      await schema.pool.query(
        `insert into articles (id, org_id, title, body_html, status, author_sub, created_at, updated_at)
         values ($1, $2, '外县稿件', '<p>x</p>', 'in_review', 'x', now(), now())`,
        [randomUUID(), other],
      );
    }
    const mine = await http().get('/articles?status=in_review&limit=100').set('Authorization', `Bearer ${editor}`).expect(200);
    expect(mine.body.items.every((a: { orgId: string }) => a.orgId !== other)).toBe(true);
    const own = Number(
      (await schema.pool.query(`select count(*) from articles where status = 'in_review' and org_id <> $1`, [other])).rows[0].count,
    );
    expect(mine.body.total).toBe(own);
    const pastTheEnd = await http()
      .get(`/articles?status=in_review&limit=1&offset=${own + 5}`)
      .set('Authorization', `Bearer ${editor}`)
      .expect(200);
    expect([pastTheEnd.body.items, pastTheEnd.body.total]).toEqual([[], own]);
    const columns = await http().get('/columns').set('Authorization', `Bearer ${editor}`).expect(200);
    expect(columns.body.map((c: { id: string }) => c.id)).not.toContain(column);
  });

  it('files an article only under a column of its own organisation or above, and counts only what the reader may see', async () => {
    const hekouTown = '00000000-0000-4000-8000-000910425102'; // 河口镇, a sibling of 红石村's township
    const { body: townColumn } = await http()
      .post('/columns')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: hekouTown, name: '河口镇专栏' })
      .expect(201);
    const elsewhere = await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: VILLAGE, columnId: townColumn.id, title: '红石村稿件', body: 'x' });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([422, 'ARTICLE.COLUMN_ELSEWHERE']);
    const { body: countyColumn } = await http()
      .post('/columns')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: COUNTY, name: '全旗专栏' })
      .expect(201);
    await http()
      .post('/articles')
      .set('Authorization', `Bearer ${editor}`)
      .send({ orgId: VILLAGE, columnId: countyColumn.id, title: '红石村稿件', body: 'x' })
      .expect(201);
    // Filed under it from outside the reader's subtree (as a province editor could have, before): not counted.
    await schema.pool.query(
      `insert into articles (id, org_id, column_id, title, body_html, status, author_sub, created_at, updated_at)
       values ($1, '00000000-0000-4000-8000-000000910426', $2, '外县稿件', '<p>x</p>', 'draft', 'x', now(), now())`,
      [randomUUID(), countyColumn.id],
    );
    const columns = await http().get('/columns').set('Authorization', `Bearer ${editor}`).expect(200);
    expect(columns.body.find((c: { id: string }) => c.id === countyColumn.id)).toMatchObject({ articles: 1 });
  });

  it('an article sent again with its Idempotency-Key is answered as the first time and drafted once (ADR 0072)', async () => {
    const title = `幂等稿件 ${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const send = () =>
      http()
        .post('/articles')
        .set('Authorization', `Bearer ${editor}`)
        .set('Idempotency-Key', key)
        .send({ orgId: VILLAGE, title, body: '<p>正文</p>' });
    const first = await send();
    const again = await send();
    expect([first.status, again.status, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(again.body).toEqual(first.body);
    expect((await schema.pool.query(`select count(*)::int n from articles where title = $1`, [title])).rows).toEqual([{ n: 1 }]);
  });
});
