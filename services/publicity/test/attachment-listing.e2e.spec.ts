import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { MAX_ATTACHMENTS_PER_OWNER } from '../src/domain/content/attachment';
import { VILLAGE, createPublicityTestApp, proposedExemplar } from './support/publicity-test-app';

// Listing an owner's attachments over HTTP with real Keycloak tokens (ADR 0128, amended): read as a
// download is (the roles that download, the owner in scope, nothing kept in a cache), what each is
// and when it came, oldest first, never its bytes; the owner's representation and ETag unchanged.
describe('listing a publicity owner’s attachments', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let editor: string;
  let organizer: string;
  let secretary: string;
  const http = () => request(app.getHttpServer());
  const as = <T extends request.Test>(r: T, token = editor) => r.set('Authorization', `Bearer ${token}`);
  const OTHER_COUNTY = '00000000-0000-4000-8000-000000910426';

  beforeAll(async () => {
    ({ app, schema } = await createPublicityTestApp('publicity_attachment_listing', { decisions: false }));
    [editor, organizer, secretary] = await Promise.all([
      tokenFor('county.editor'),
      tokenFor('county.organizer'),
      tokenFor('village.secretary'),
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  let files = 0;
  /** Bytes of each allowed kind that no other upload repeats (the same bytes again to one owner are not a new attachment). */
  const file = (type: 'image/png' | 'image/jpeg' | 'application/pdf'): Buffer => {
    const magic = {
      'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      'image/jpeg': [0xff, 0xd8, 0xff],
      'application/pdf': [...Buffer.from('%PDF-')],
    }[type];
    return Buffer.concat([Buffer.from(magic), Buffer.from(`file ${++files}`)]);
  };
  const upload = (owner: string, bytes = file('image/png'), contentType = 'image/png') =>
    as(http().post(`${owner}/attachments`)).attach('file', bytes, { filename: 'scan', contentType });
  const list = (owner: string, token = editor) => as(http().get(`${owner}/attachments`), token);
  const listed = async (owner: string) => (await list(owner).expect(200)).body as Record<string, unknown>[];

  const draft = async (orgId = VILLAGE): Promise<string> =>
    `/articles/${((await as(http().post('/articles')).send({ orgId, title: '附件稿', body: '<p>正文</p>' }).expect(201)).body as { id: string }).id}`;

  const exemplar = async (orgId = VILLAGE): Promise<string> => {
    return `/exemplars/${await proposedExemplar(schema.pool, orgId)}`;
  };

  /** An article of another county, which the county editor cannot reach. */
  const elsewhere = async (): Promise<string> => {
    const id = randomUUID();
    await schema.pool.query(
      `insert into articles (id, org_id, title, body_html, status, author_sub, created_at, updated_at)
       values ($1, $2, '外县稿件', '<p>正文</p>', 'draft', 'someone', now(), now())`,
      [id, OTHER_COUNTY],
    );
    return `/articles/${id}`;
  };

  /** An attachment stored as an earlier upload left it, at the time given (an owner out of reach, one filled before the cap). */
  const stored = async (owner: string, uploadedAt = new Date()): Promise<string> => {
    const id = randomUUID();
    const bytes = file('image/png');
    await schema.pool.query(
      `insert into attachments (id, owner_kind, owner_id, content_type, size, sha256, bytes, uploaded_by, uploaded_at)
       values ($1, $2, $3, 'image/png', $4, $5, $6, 'earlier', $7)`,
      [
        id,
        owner.startsWith('/articles/') ? 'article' : 'exemplar',
        owner.slice(owner.lastIndexOf('/') + 1),
        bytes.length,
        createHash('sha256').update(bytes).digest('hex'),
        bytes,
        uploadedAt,
      ],
    );
    return id;
  };

  const codeOf = (r: request.Response): [number, string | undefined] => [r.status, (r.body as { code?: string }).code];
  /** An error answer as a caller compares two of them: everything but its own correlation id. */
  const answerOf = (r: request.Response) => {
    const { correlationId, ...body } = r.body as { correlationId?: string };
    expect(correlationId).toEqual(expect.any(String));
    return [r.status, body];
  };

  it('lists what each upload stored, oldest first, with its time and no bytes; nothing kept in a cache', async () => {
    for (const owner of [await draft(), await exemplar()]) {
      expect(await listed(owner)).toEqual([]);
      const before = Date.now();
      const sent: { bytes: Buffer; answer: { id: string; contentType: string; size: number; sha256: string } }[] = [];
      for (const [type, declared] of [
        ['application/pdf', 'application/pdf'],
        ['image/png', 'image/png'],
        ['image/jpeg', 'application/octet-stream'],
      ] as const) {
        const bytes = file(type);
        sent.push({ bytes, answer: (await upload(owner, bytes, declared).expect(201)).body as (typeof sent)[number]['answer'] });
      }
      // The same bytes again are the attachment already stored, not a fourth.
      await upload(owner, sent[1]!.bytes).expect(201);

      const res = await list(owner).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      const items = res.body as Record<string, unknown>[];
      expect(items).toEqual(
        sent.map(({ bytes, answer }) => ({
          id: answer.id,
          contentType: answer.contentType,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          uploadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        })),
      );
      expect(items.map((a) => a['contentType'])).toEqual(['application/pdf', 'image/png', 'image/jpeg']);
      const times = items.map((a) => Date.parse(a['uploadedAt'] as string));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(times[0]).toBeGreaterThanOrEqual(before - 1_000);
      expect(times[2]).toBeLessThanOrEqual(Date.now() + 1_000);
      // What it is, not who sent it nor its bytes: each a download of its own.
      for (const a of items) expect(Object.keys(a).sort()).toEqual(['contentType', 'id', 'sha256', 'size', 'uploadedAt']);
      expect(res.text).not.toContain(sent[0]!.bytes.toString('base64'));
    }
  });

  it('orders by upload time, not by id or by when the row was written', async () => {
    const owner = await draft();
    const uploaded = ((await upload(owner).expect(201)).body as { id: string }).id;
    const older = await stored(owner, new Date(Date.now() - 86_400_000));
    const oldest = await stored(owner, new Date(Date.now() - 2 * 86_400_000));
    expect((await listed(owner)).map((a) => a['id'])).toEqual([oldest, older, uploaded]);
  });

  it('a removed attachment leaves the list; the others keep their order', async () => {
    for (const owner of [await draft(), await exemplar()]) {
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) ids.push(((await upload(owner).expect(201)).body as { id: string }).id);
      await as(http().delete(`${owner}/attachments/${ids[1]}`)).expect(204);
      expect((await listed(owner)).map((a) => a['id'])).toEqual([ids[0], ids[2]]);
      // What the list names can be downloaded; what it dropped cannot.
      await as(http().get(`/attachments/${ids[2]}`)).expect(200);
      expect(codeOf(await as(http().get(`/attachments/${ids[1]}`)))).toEqual([404, 'ATTACHMENT.NOT_FOUND']);
    }
  });

  it(`an owner filled before the cap of ${MAX_ATTACHMENTS_PER_OWNER} lists all it holds, so each can be found and removed`, async () => {
    const owner = await draft();
    const start = Date.now() - 3_600_000;
    const ids: string[] = [];
    for (let n = 0; n < MAX_ATTACHMENTS_PER_OWNER + 5; n++) ids.push(await stored(owner, new Date(start + n * 1_000)));
    expect((await listed(owner)).map((a) => a['id'])).toEqual(ids);
  });

  it('an owner unknown or outside the editor’s scope is its own 404, word for word', async () => {
    const theirs = await elsewhere();
    await stored(theirs);
    const unknownArticle = answerOf(await list(`/articles/${randomUUID()}`));
    expect(unknownArticle).toEqual([404, expect.objectContaining({ code: 'ARTICLE.NOT_FOUND' })]);
    expect(answerOf(await list(theirs))).toEqual(unknownArticle);
    // As the owner's other routes answer it.
    expect(answerOf(await as(http().get(theirs)))).toEqual(unknownArticle);

    const otherExemplar = await exemplar(OTHER_COUNTY);
    await stored(otherExemplar);
    const unknownExemplar = answerOf(await list(`/exemplars/${randomUUID()}`));
    expect(unknownExemplar).toEqual([404, expect.objectContaining({ code: 'EXEMPLAR.NOT_FOUND' })]);
    expect(answerOf(await list(otherExemplar))).toEqual(unknownExemplar);
    expect(answerOf(await as(http().get(otherExemplar)))).toEqual(unknownExemplar);

    // An article's id is not an exemplar's: each route reads only its own kind of owner.
    const mine = await draft();
    await upload(mine).expect(201);
    expect(answerOf(await list(`/exemplars/${mine.slice('/articles/'.length)}`))).toEqual(unknownExemplar);
  });

  it('a role that may not download may not list (403, as for a download), though an organiser reads the article', async () => {
    const owner = await draft();
    const id = ((await upload(owner).expect(201)).body as { id: string }).id;
    await as(http().get(owner), organizer).expect(200);
    for (const token of [organizer, secretary]) {
      const download = await as(http().get(`/attachments/${id}`), token);
      expect(download.status).toBe(403);
      expect(codeOf(await list(owner, token))).toEqual(codeOf(download));
    }
    expect((await list(await exemplar(), organizer)).status).toBe(403);
    await http().get(`${owner}/attachments`).expect(401);
  });

  it('an owner id that is no UUID is a 400 naming it', async () => {
    for (const kind of ['articles', 'exemplars']) {
      const res = await list(`/${kind}/not-a-uuid`).expect(400);
      expect(res.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'id' }] });
    }
  });

  it('the list is a resource of its own: the owner’s ETag and representation stay as they were', async () => {
    for (const owner of [await draft(), await exemplar()]) {
      const etag = (await as(http().get(owner)).expect(200)).headers['etag'] as string;
      await upload(owner).expect(201);
      const listing = await list(owner).expect(200);
      expect(listing.headers['etag']).not.toBe(etag);
      const after = await as(http().get(owner)).expect(200);
      expect(after.headers['etag']).toBe(etag);
      expect(Object.keys(after.body as object)).not.toContain('attachments');
      // The list's tag (Express's own, weak) is no version of the owner: an edit against it is refused.
      const edit = owner.startsWith('/articles/') ? { title: '第二稿' } : { story: '<p>带头修路，又修了桥</p>' };
      expect(
        codeOf(
          await as(http().patch(owner))
            .set('If-Match', listing.headers['etag'] as string)
            .send(edit),
        ),
      ).toEqual([412, 'REQUEST.PRECONDITION_FAILED']);
      await as(http().patch(owner)).set('If-Match', etag).send(edit).expect(200);
    }
  });

  it('the OpenAPI document names both lists, what they answer and their 404', async () => {
    const doc = await http().get('/docs/openapi.json').expect(200);
    const paths = doc.body.paths as Record<
      string,
      Record<string, { summary?: string; responses: Record<string, { description: string }> }>
    >;
    for (const [path, notFound] of [
      ['/articles/{id}/attachments', 'ARTICLE.NOT_FOUND'],
      ['/exemplars/{id}/attachments', 'EXEMPLAR.NOT_FOUND'],
    ] as const) {
      const get = paths[path]!['get']!;
      expect([path, get.summary]).toEqual([path, expect.stringMatching(/ \/ the attachments of an? (article|exemplar) in your scope/)]);
      expect(get.responses['200']?.description).toContain('oldest first');
      expect(get.responses['404']?.description).toContain(notFound);
    }
  });
});
