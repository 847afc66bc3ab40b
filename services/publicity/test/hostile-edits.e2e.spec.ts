import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { MAX_ATTACHMENTS_PER_OWNER } from '../src/domain/content/attachment';
import { COUNTY, VILLAGE, createPublicityTestApp } from './support/publicity-test-app';

// What a hostile probe of the running service did, over HTTP with real Keycloak tokens (ADR 0124):
// an outlet retyped with invisible characters to score again, names and stories that show nothing
// or carry a direction control as a character reference, forty attachments at once and one to a
// withdrawn exemplar, and an edit sent against a stale ETag.
describe('publicity against a hostile editor', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let editor: string;
  const http = () => request(app.getHttpServer());
  const as = <T extends request.Test>(r: T) => r.set('Authorization', `Bearer ${editor}`);

  beforeAll(async () => {
    ({ app, schema } = await createPublicityTestApp('publicity_hostile', { decisions: false }));
    editor = await tokenFor('county.editor');
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  const draft = async (): Promise<{ id: string; version: number }> =>
    (await as(http().post('/articles')).send({ orgId: VILLAGE, title: '红石村合作社见闻', body: '<p>正文</p>' }).expect(201)).body as {
      id: string;
      version: number;
    };

  /** A proposal (or an exemplar in another state) as the decisions consumer or an editor left it. */
  const exemplar = async (status: string, story = '<p>带头修路</p>', name = '赵春生'): Promise<string> => {
    const id = randomUUID();
    await schema.pool.query(
      `insert into exemplars (id, status, source_kind, source_stream, source_event_id, subject_kind, subject_id, name, org_id,
                              org_name, category, story, proposed_at, published_on)
       values ($1, $2, 'quarter_pioneer', 'pioneer-x', $3, 'member', $4, $5, $6, '红石村党支部', 'quarter_pioneer', $7, now(),
               case when $2 = 'published' then current_date end)`,
      [id, status, randomUUID(), randomUUID(), name, VILLAGE, story],
    );
    return id;
  };

  it('an outlet retyped with invisible characters is the same outlet: refused as a reprint, and scored once', async () => {
    const { id } = await draft();
    await as(http().post(`/articles/${id}/submit`)).expect(200);
    const pub = { outlet: '人民日报', level: 'central', channel: 'press', publishedOn: '2025-03-01' };
    await as(http().post(`/articles/${id}/publications`))
      .send(pub)
      .expect(201);
    for (const outlet of ['人民日报\u200b', '人民日报\u00ad', '人民\u200d日报', '人民 日报', '\ufeff人民日报\ufe0f']) {
      const again = await as(http().post(`/articles/${id}/publications`)).send({ ...pub, outlet });
      expect([outlet, again.status, again.body.code]).toEqual([outlet, 409, 'ARTICLE.ALREADY_IN_OUTLET']);
    }
    for (const outlet of ['\u200b\u2800', '\ufe0f', '\u034f\u180b']) {
      const blank = await as(http().post(`/articles/${id}/publications`))
        .send({ ...pub, outlet })
        .expect(400);
      expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'outlet' })]);
    }

    // A row the probe left before the fix (its key derived the old way) counts with its twin once.
    await schema.pool.query(
      `insert into article_publications (article_id, outlet, outlet_key, level, channel, published_on, recorded_by)
       values ($1, '人民日报\u200b', '人民日报\u200b', 'central', 'press', '2025-03-01', 'probe')`,
      [id],
    );
    const statistics = () => as(http().get(`/media-statistics?orgId=${COUNTY}&from=2025-03-01&to=2025-03-01`)).expect(200);
    const stats = await statistics();
    expect([stats.body.byLevel.central.publications, stats.body.byLevel.central.score, stats.body.score]).toEqual([1, 10, 10]);

    // A weight set before the fix under a retyped name is the same outlet's: the one set last counts.
    await schema.pool.query(
      `insert into media_weights (key, weight, set_by, set_at)
       values ('outlet:人民日报\u200b', 40, 'probe', now() - interval '1 day'), ('outlet:人民日报', 30, 'admin', now())`,
    );
    expect((await as(http().get('/media-weights')).expect(200)).body.outlets).toEqual([{ outlet: '人民日报', weight: 30 }]);
    expect((await statistics()).body.score).toBe(30);
  });

  it('a name that shows nothing is a 400 naming it, a story that shows nothing is refused, and nothing changes', async () => {
    const id = await exemplar('proposed');
    const before = (await as(http().get(`/exemplars/${id}`)).expect(200)).body as { version: number };
    for (const name of ['\u200b', '\u2800\u3164']) {
      const refused = await as(http().patch(`/exemplars/${id}`)).send({ name });
      expect([refused.status, refused.body.errors]).toEqual([400, [expect.objectContaining({ field: 'name' })]]);
    }
    for (const story of ['<p>&#8203;</p>', '<p>\u2800<br></p>']) {
      const refused = await as(http().patch(`/exemplars/${id}`)).send({ story });
      expect([refused.status, refused.body.code, refused.body.message]).toEqual([
        400,
        'EXEMPLAR.EDIT_EMPTY',
        expect.stringContaining('story'),
      ]);
    }
    expect((await as(http().get(`/exemplars/${id}`)).expect(200)).body.version).toBe(before.version);
  });

  it('a direction control written as a character reference is refused in a story and an article body, naming the field', async () => {
    const id = await exemplar('proposed');
    for (const story of [
      '<p>张三&#x202e;四李</p>',
      '<p>张三&#8238;四李</p>',
      '<p>张三&#X202E;四李</p>',
      '<p><a href="https://news.example/&#x2067;a">报道</a></p>',
    ]) {
      const refused = await as(http().patch(`/exemplars/${id}`)).send({ story });
      expect([refused.status, refused.body.code]).toEqual([400, 'CONTENT.DIRECTION_CONTROL']);
      expect(refused.body.message).toMatch(/^story .* \/ story contains a bidirectional control/);
    }
    // The raw character, in an attribute too, never gets past libs/http's pipe.
    const raw = await as(http().patch(`/exemplars/${id}`))
      .send({ story: '<p title="\u202e">x</p>' })
      .expect(400);
    expect(raw.body.errors).toEqual([expect.objectContaining({ field: 'story' })]);

    const body = await as(http().post('/articles')).send({ orgId: VILLAGE, title: '稿件', body: '<p>a&#x202e;b</p>' }).expect(400);
    expect([body.body.code, body.body.message]).toEqual(['CONTENT.DIRECTION_CONTROL', expect.stringMatching(/^body /)]);
    const { id: article } = await draft();
    await as(http().patch(`/articles/${article}`))
      .send({ body: '<p>a&#8238;b</p>' })
      .expect(400);

    // A proposal that brought one (stored before the fix) is not published with it.
    const brought = await exemplar('proposed', '<p>张三\u202e四李</p>');
    expect((await as(http().post(`/exemplars/${brought}/accept`))).body.code).toBe('CONTENT.DIRECTION_CONTROL');
  });

  it('the public roll shows a direction control stored before the fix as U+FFFD', async () => {
    await exemplar('published', '<p>张三\u202e四李</p>', '钱德明');
    const roll = await http().get('/honour-roll?limit=200').expect(200);
    const entry = (roll.body.items as { name: string; story: string }[]).find((i) => i.name === '钱德明')!;
    expect(entry.story).toBe('<p>张三\ufffd四李</p>');
  });

  it(`fifty different files at once leave ${MAX_ATTACHMENTS_PER_OWNER}; a withdrawn exemplar takes none; downloads are not stored`, async () => {
    const { id } = await draft();
    const png = (n: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`photo ${n}`)]);
    const upload = (n: number, to = `/articles/${id}`) =>
      as(http().post(`${to}/attachments`)).attach('file', png(n), { filename: `${n}.png`, contentType: 'image/png' });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => upload(n)));
    const statuses = answers.map((r) => r.status);
    expect([statuses.filter((s) => s === 201).length, statuses.filter((s) => s === 422).length]).toEqual([MAX_ATTACHMENTS_PER_OWNER, 30]);
    expect(new Set(answers.filter((r) => r.status === 422).map((r) => (r.body as { code: string }).code))).toEqual(
      new Set(['ATTACHMENT.TOO_MANY']),
    );
    const count = async (owner: string) =>
      (await schema.pool.query<{ n: number }>(`select count(*)::int as n from attachments where owner_id = $1`, [owner])).rows[0]!.n;
    expect(await count(id)).toBe(MAX_ATTACHMENTS_PER_OWNER);
    // The same bytes again are not one more: answered with the attachment already stored.
    const kept = answers.find((r) => r.status === 201)!;
    const n = answers.indexOf(kept);
    expect((await upload(n).expect(201)).body.id).toBe(kept.body.id);

    const download = await as(http().get(`/attachments/${kept.body.id}`)).expect(200);
    expect(download.headers['cache-control']).toBe('no-store');

    const withdrawn = await exemplar('withdrawn');
    const pdf = Buffer.from('%PDF-1.7\n%\u00e2\u00e3\n', 'latin1');
    const refused = await as(http().post(`/exemplars/${withdrawn}/attachments`)).attach('file', pdf, {
      filename: 'a.pdf',
      contentType: 'application/pdf',
    });
    expect([refused.status, refused.body.code]).toEqual([422, 'ATTACHMENT.OWNER_CLOSED']);
    expect(await count(withdrawn)).toBe(0);
  });

  it('an article edit with a stale If-Match is 412 with the current ETag; a current one, *, or none edits', async () => {
    const { id } = await draft();
    const read = await as(http().get(`/articles/${id}`)).expect(200);
    const etag = read.headers['etag'] as string;
    expect(etag).toMatch(/^"1-[\w-]{22}"$/);
    await as(http().get(`/articles/${id}`))
      .set('If-None-Match', etag)
      .expect(304);

    const edited = await as(http().patch(`/articles/${id}`))
      .set('If-Match', etag)
      .send({ title: '第二稿' })
      .expect(200);
    const now = edited.headers['etag'] as string;
    expect([edited.body.version, now]).toEqual([2, expect.stringMatching(/^"2-/)]);

    for (const stale of [etag, `W/${now}`]) {
      const refused = await as(http().patch(`/articles/${id}`))
        .set('If-Match', stale)
        .send({ title: '覆盖' });
      expect([refused.status, refused.body.code, refused.headers['etag']]).toEqual([412, 'REQUEST.PRECONDITION_FAILED', now]);
      expect(refused.body.message).toContain('version 2');
    }
    const malformed = await as(http().patch(`/articles/${id}`))
      .set('If-Match', '2')
      .send({ title: '覆盖' })
      .expect(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
    expect((await as(http().get(`/articles/${id}`))).body).toMatchObject({ title: '第二稿', version: 2 });

    // Two editors who read the same version: the first edit applies, the second is told it is stale.
    const both = await Promise.all(
      ['甲稿', '乙稿'].map((title) =>
        as(http().patch(`/articles/${id}`))
          .set('If-Match', now)
          .send({ title }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 412]);
    await as(http().patch(`/articles/${id}`))
      .set('If-Match', '*')
      .send({ title: '第四稿' })
      .expect(200);
    expect(
      (
        await as(http().patch(`/articles/${id}`))
          .send({ title: '第五稿' })
          .expect(200)
      ).body.version,
    ).toBe(5);
  });

  it('an exemplar edit with a stale If-Match is 412, with the current one it applies', async () => {
    const id = await exemplar('proposed');
    const etag = (await as(http().get(`/exemplars/${id}`)).expect(200)).headers['etag'] as string;
    const edited = await as(http().patch(`/exemplars/${id}`))
      .set('If-Match', etag)
      .send({ story: '<p>带头修路三公里</p>' })
      .expect(200);
    const refused = await as(http().patch(`/exemplars/${id}`))
      .set('If-Match', etag)
      .send({ story: '<p>覆盖</p>' });
    expect([refused.status, refused.body.code, refused.headers['etag']]).toEqual([
      412,
      'REQUEST.PRECONDITION_FAILED',
      edited.headers['etag'],
    ]);
    expect((await as(http().get(`/exemplars/${id}`))).body.story).toBe('<p>带头修路三公里</p>');
    // A body invalid in itself is refused for what it is, before the stale tag is looked at (as for an article).
    const invalid = await as(http().patch(`/exemplars/${id}`))
      .set('If-Match', etag)
      .send({ story: '<p>&#x202e;覆盖</p>' });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'CONTENT.DIRECTION_CONTROL']);
  });

  it('fifty media statistics at once all answer, each in one transaction: none waits for a second connection', async () => {
    // Each used to read the weights in a second transaction while holding its first: ten at once
    // took the pool's ten connections and waited for each other until the pool's timeout (503).
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => as(http().get(`/media-statistics?orgId=${COUNTY}&from=2025-01-01&to=2025-12-31`))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((r) => (r.body as { score: number }).score)).size).toBe(1);
  });
});
