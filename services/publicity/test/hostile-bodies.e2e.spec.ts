import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PARSED_BODY_LIMIT_BYTES } from '@vanguard/http';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { RICH_TEXT_MAX_CHARS } from '../src/interface/http/dto';
import { MAX_ATTACHMENT_REQUEST_BYTES } from '../src/interface/http/attachment-upload';
import { VILLAGE, createPublicityTestApp, proposedExemplar } from './support/publicity-test-app';

// What a hostile-use review sent as bodies, over HTTP with real Keycloak tokens: an article edit of
// nulls, of nothing or of the same text, multipart bodies of text fields beside a tiny PDF, article bodies at the
// size the API promised, and markup as a reason for declining.
describe('publicity against hostile bodies', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let editor: string;
  const http = () => request(app.getHttpServer());
  const as = <T extends request.Test>(r: T) => r.set('Authorization', `Bearer ${editor}`);
  const pdf = Buffer.from('%PDF-1.7\n%\u00e2\u00e3\n', 'latin1');

  beforeAll(async () => {
    ({ app, schema } = await createPublicityTestApp('publicity_bodies', { decisions: false }));
    await app.listen(0, '127.0.0.1');
    editor = await tokenFor('county.editor');
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  const draft = async (): Promise<string> =>
    (
      (await as(http().post('/articles')).send({ orgId: VILLAGE, title: '红石村合作社见闻', body: '<p>正文</p>' }).expect(201)).body as {
        id: string;
      }
    ).id;

  it('an article edit of a null is 400 naming the field; one of nothing or of the same text keeps the version and ETag', async () => {
    const id = await draft();
    const read = await as(http().get(`/articles/${id}`)).expect(200);
    const etag = read.headers['etag'] as string;

    for (const field of ['body', 'title']) {
      const refused = await as(http().patch(`/articles/${id}`)).send({ [field]: null });
      expect([field, refused.status, refused.body.errors]).toEqual([field, 400, [expect.objectContaining({ field })]]);
    }
    const empty = await as(http().patch(`/articles/${id}`)).send({});
    expect([empty.status, empty.body.code]).toEqual([400, 'ARTICLE.EDIT_EMPTY']);

    for (const same of [{ title: read.body.title }, { body: read.body.bodyHtml }, { title: read.body.title, body: '<p>正文</p>' }]) {
      const unchanged = await as(http().patch(`/articles/${id}`))
        .set('If-Match', etag)
        .send(same)
        .expect(200);
      expect([unchanged.body.version, unchanged.headers['etag']]).toEqual([1, etag]);
    }
    // The ETag read before still edits: nothing changed in between.
    const edited = await as(http().patch(`/articles/${id}`))
      .set('If-Match', etag)
      .send({ title: '第二稿' })
      .expect(200);
    expect(edited.body).toMatchObject({ title: '第二稿', bodyHtml: '<p>正文</p>', version: 2 });
  });

  it(`an article body of ${RICH_TEXT_MAX_CHARS} CJK characters, under a title of 300, fits the parser's limit; one more is 400 naming it`, async () => {
    const title = '红'.repeat(300);
    const body = `<p>${'字'.repeat(RICH_TEXT_MAX_CHARS - 7)}</p>`;
    const sent = { orgId: VILLAGE, columnId: randomUUID(), campaignId: randomUUID(), title, body };
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThanOrEqual(PARSED_BODY_LIMIT_BYTES);
    const { columnId: _c, campaignId: _k, ...kept } = sent;
    const created = await as(http().post('/articles')).send(kept).expect(201);
    expect(created.body.bodyHtml).toBe(body);

    const longer = await as(http().post('/articles')).send({ ...kept, body: `${body}x` });
    expect([longer.status, longer.body.errors]).toEqual([400, [expect.objectContaining({ field: 'body' })]]);
    const edit = await as(http().patch(`/articles/${created.body.id}`)).send({ body: 'x'.repeat(RICH_TEXT_MAX_CHARS + 1) });
    expect([edit.status, edit.body.errors]).toEqual([400, [expect.objectContaining({ field: 'body' })]]);
  });

  it('an attachment comes as the one part "file": a text field, a second file or another name is 400 naming it, and nothing is kept', async () => {
    const id = await draft();
    const upload = () => as(http().post(`/articles/${id}/attachments`));
    const refusals = [
      await upload()
        .field('note', 'x'.repeat(1024 * 1024))
        .attach('file', pdf, { filename: 'a.pdf', contentType: 'application/pdf' }),
      await upload().attach('file', pdf, { filename: 'a.pdf', contentType: 'application/pdf' }).field('note', 'x'),
      await upload()
        .attach('file', pdf, { filename: 'a.pdf', contentType: 'application/pdf' })
        .attach('file', pdf, { filename: 'b.pdf', contentType: 'application/pdf' }),
      await upload().attach('other', pdf, { filename: 'a.pdf', contentType: 'application/pdf' }),
      await upload().set('Content-Type', 'multipart/form-data').send('--x\r\n'),
    ];
    expect(refusals.map((r): unknown[] => [r.status, r.body.code, r.body.errors])).toEqual([
      [400, 'REQUEST.INVALID', [{ field: 'body', reason: '表单字段过多 / Too many fields' }]],
      [400, 'REQUEST.INVALID', [{ field: 'body', reason: '表单字段过多 / Too many fields' }]],
      [400, 'REQUEST.INVALID', [{ field: 'body', reason: '文件过多 / Too many files' }]],
      [400, 'REQUEST.INVALID', [{ field: 'other', reason: '不接受该文件字段 / Unexpected file field' }]],
      [400, 'REQUEST.INVALID', [{ field: 'body', reason: '表单格式有误 / Multipart: Boundary not found' }]],
    ]);
    const kept = await schema.pool.query<{ n: number }>(`select count(*)::int as n from attachments where owner_id = $1`, [id]);
    expect(kept.rows[0]!.n).toBe(0);
    await upload().attach('file', pdf, { filename: 'a.pdf', contentType: 'application/pdf' }).expect(201);
  });

  it('an upload declared larger than one file and its frame is 413 before its body is sent, even to an article that does not exist', async () => {
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const fortyMegabytes = 40 * 1024 * 1024;
    const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/articles/${randomUUID()}/attachments`,
        headers: {
          authorization: `Bearer ${editor}`,
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(fortyMegabytes),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => {
        req.destroy();
        reject(new Error('no answer while the body was still to come'));
      });
      // The first of forty 1 MB text fields, and no more: the answer must not wait for the rest.
      req.write(`--x\r\nContent-Disposition: form-data; name="f0"\r\n\r\n${'a'.repeat(64 * 1024)}`);
    });
    expect([answer.status, answer.connection]).toEqual([413, 'close']);
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'REQUEST.TOO_LARGE',
      errors: [{ field: 'body', reason: `at most ${MAX_ATTACHMENT_REQUEST_BYTES} bytes` }],
    });
  });

  it('an exemplar edit of the same name and story keeps the version and ETag, as an article edit does', async () => {
    const id = await proposedExemplar(schema.pool, VILLAGE);
    const read = await as(http().get(`/exemplars/${id}`)).expect(200);
    const etag = read.headers['etag'] as string;

    for (const same of [{ name: read.body.name }, { story: read.body.story }, { name: read.body.name, story: read.body.story }]) {
      const unchanged = await as(http().patch(`/exemplars/${id}`))
        .set('If-Match', etag)
        .send(same)
        .expect(200);
      expect([unchanged.body.version, unchanged.headers['etag']]).toEqual([read.body.version, etag]);
    }
    const edited = await as(http().patch(`/exemplars/${id}`))
      .set('If-Match', etag)
      .send({ story: '<p>带头修路三公里</p>' })
      .expect(200);
    expect([edited.body.story, edited.body.version]).toEqual(['<p>带头修路三公里</p>', read.body.version + 1]);
  });

  it('a reason for declining is plain text that shows something, as every other reason is', async () => {
    const id = await proposedExemplar(schema.pool, VILLAGE);
    for (const reason of ['<script>alert(1)</script>', '\u200b\u2800']) {
      const refused = await as(http().post(`/exemplars/${id}/decline`)).send({ reason });
      expect([reason, refused.status, refused.body.errors]).toEqual([reason, 400, [expect.objectContaining({ field: 'reason' })]]);
    }
    expect((await as(http().get(`/exemplars/${id}`)).expect(200)).body.status).toBe('proposed');
    await as(http().post(`/exemplars/${id}/decline`))
      .send({ reason: '事迹材料不全' })
      .expect(200);
  });
});
