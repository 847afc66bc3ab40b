import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { claimsOf, tokenFor, type TestSchema } from '@vanguard/testing';
import { MAX_ATTACHMENTS_PER_OWNER } from '../src/domain/content/attachment';
import { VILLAGE, createPublicityTestApp } from './support/publicity-test-app';

// Removing an attachment over HTTP with real Keycloak tokens (ADR 0128): judged as an upload is
// (editor roles, the owner in scope, its state: one rule for both), once however often it is
// sent, recorded with its remover, and its place under the cap free again for the next upload.
describe('removing a publicity attachment', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let editor: string;
  let secretary: string;
  const http = () => request(app.getHttpServer());
  const as = <T extends request.Test>(r: T, token = editor) => r.set('Authorization', `Bearer ${token}`);
  const OTHER_COUNTY = '00000000-0000-4000-8000-000000910426';

  beforeAll(async () => {
    ({ app, schema } = await createPublicityTestApp('publicity_attachment_removal', { decisions: false }));
    [editor, secretary] = await Promise.all([tokenFor('county.editor'), tokenFor('village.secretary')]);
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  let photos = 0;
  /** A PNG no other test sends (the same bytes again to one owner are not a new attachment). */
  const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`photo ${++photos}`)]);
  const upload = (owner: string, token = editor) =>
    as(http().post(`${owner}/attachments`), token).attach('file', png(), { filename: 'photo.png', contentType: 'image/png' });
  const remove = (owner: string, attachmentId: string, token = editor) => as(http().delete(`${owner}/attachments/${attachmentId}`), token);
  const uploaded = async (owner: string): Promise<string> => ((await upload(owner).expect(201)).body as { id: string }).id;

  const draft = async (): Promise<string> =>
    `/articles/${((await as(http().post('/articles')).send({ orgId: VILLAGE, title: '附件稿', body: '<p>正文</p>' }).expect(201)).body as { id: string }).id}`;

  /** An exemplar in any state, as the decisions consumer or an editor left it. */
  const exemplar = async (status: string): Promise<string> => {
    const id = randomUUID();
    await schema.pool.query(
      `insert into exemplars (id, status, source_kind, source_stream, source_event_id, subject_kind, subject_id, name, org_id,
                              org_name, category, story, proposed_at, published_on)
       values ($1, $2, 'quarter_pioneer', 'pioneer-x', $3, 'member', $4, '赵春生', $5, '红石村党支部', 'quarter_pioneer', '<p>带头修路</p>',
               now(), case when $2 = 'published' then current_date end)`,
      [id, status, randomUUID(), randomUUID(), VILLAGE],
    );
    return `/exemplars/${id}`;
  };

  /** An attachment stored as an earlier upload left it (to owners that take no upload now, or that the editor cannot reach). */
  const stored = async (ownerKind: 'article' | 'exemplar', ownerId: string): Promise<string> => {
    const id = randomUUID();
    const bytes = png();
    await schema.pool.query(
      `insert into attachments (id, owner_kind, owner_id, content_type, size, sha256, bytes, uploaded_by, uploaded_at)
       values ($1, $2, $3, 'image/png', $4, $5, $6, 'earlier', now())`,
      [id, ownerKind, ownerId, bytes.length, randomUUID().replace(/-/g, ''), bytes],
    );
    return id;
  };

  const held = async (owner: string): Promise<number> =>
    (
      await schema.pool.query<{ n: number }>(`select count(*)::int as n from attachments where owner_id = $1`, [
        owner.slice(owner.lastIndexOf('/') + 1),
      ])
    ).rows[0]!.n;
  const exists = async (attachmentId: string): Promise<boolean> =>
    (await schema.pool.query(`select 1 from attachments where id = $1`, [attachmentId])).rowCount === 1;
  const codeOf = (r: request.Response): [number, string | undefined] => [r.status, (r.body as { code?: string }).code];
  /** The record a removal leaves (not served over HTTP). */
  const removals = async (attachmentId: string) =>
    (
      await schema.pool.query<Record<string, unknown>>(
        `select owner_kind, owner_id, content_type, size, sha256, uploaded_by, removed_by, uploaded_at < removed_at as later
           from attachment_removals where attachment_id = $1`,
        [attachmentId],
      )
    ).rows;
  /** An error answer as a caller compares two of them: everything but its own correlation id. */
  const answerOf = (r: request.Response) => {
    const { correlationId, ...body } = r.body as { correlationId?: string };
    expect(correlationId).toEqual(expect.any(String));
    return [r.status, body];
  };

  it('a draft’s attachment is removed with 204; removing it again and downloading it are 404', async () => {
    const article = await draft();
    const id = await uploaded(article);
    const kept = await uploaded(article);
    const was = (await as(http().get(`/attachments/${id}`)).expect(200)).body as Buffer;

    const gone = await remove(article, id).expect(204);
    expect(gone.text).toBe('');
    // Recorded in the same transaction: what it was, who uploaded it, and who removed it (the caller's subject).
    const sub = claimsOf(editor)['sub'];
    expect(await removals(id)).toEqual([
      {
        owner_kind: 'article',
        owner_id: article.slice('/articles/'.length),
        content_type: 'image/png',
        size: was.length,
        sha256: createHash('sha256').update(was).digest('hex'),
        uploaded_by: sub,
        removed_by: sub,
        later: true,
      },
    ]);
    expect(await removals(kept)).toEqual([]);
    expect(codeOf(await remove(article, id))).toEqual([404, 'ATTACHMENT.NOT_FOUND']);
    expect(codeOf(await as(http().get(`/attachments/${id}`)))).toEqual([404, 'ATTACHMENT.NOT_FOUND']);
    // The owner's other attachment is untouched.
    await as(http().get(`/attachments/${kept}`)).expect(200);
    expect(await held(article)).toBe(1);
  });

  it('fifty identical removals at once: exactly one 204, forty-nine 404', async () => {
    const article = await draft();
    const id = await uploaded(article);
    const answers = await Promise.all(Array.from({ length: 50 }, () => remove(article, id)));
    const statuses = answers.map((r) => r.status);
    expect([statuses.filter((s) => s === 204).length, statuses.filter((s) => s === 404).length]).toEqual([1, 49]);
    expect(new Set(answers.filter((r) => r.status === 404).map((r) => (r.body as { code: string }).code))).toEqual(
      new Set(['ATTACHMENT.NOT_FOUND']),
    );
    expect(await exists(id)).toBe(false);
    expect((await removals(id)).map((r) => r['removed_by'])).toEqual([claimsOf(editor)['sub']]);
  });

  it(`an owner at the cap of ${MAX_ATTACHMENTS_PER_OWNER} takes another once one is removed`, async () => {
    const article = await draft();
    const ids: string[] = [];
    for (let n = 0; n < MAX_ATTACHMENTS_PER_OWNER; n++) ids.push(await uploaded(article));
    expect(codeOf(await upload(article))).toEqual([422, 'ATTACHMENT.TOO_MANY']);

    await remove(article, ids[0]!).expect(204);
    await upload(article).expect(201);
    expect(await held(article)).toBe(MAX_ATTACHMENTS_PER_OWNER);
    expect(codeOf(await upload(article))).toEqual([422, 'ATTACHMENT.TOO_MANY']);
  });

  it(`uploads and removals at once at the cap never leave more than ${MAX_ATTACHMENTS_PER_OWNER}`, async () => {
    const article = await draft();
    const ids: string[] = [];
    for (let n = 0; n < MAX_ATTACHMENTS_PER_OWNER; n++) ids.push(await uploaded(article));

    // Watch the committed count while thirty uploads and ten removals race for the owner.
    let most = 0;
    let racing = true;
    const watching = (async () => {
      while (racing) most = Math.max(most, await held(article));
    })();
    const removals = ids.slice(0, 10).map((id) => remove(article, id));
    const uploads = Array.from({ length: 30 }, () => upload(article));
    const [removed, added] = await Promise.all([Promise.all(removals), Promise.all(uploads)]);
    racing = false;
    await watching;

    expect(removed.map((r) => r.status)).toEqual(Array(10).fill(204));
    const created = added.filter((r) => r.status === 201).length;
    for (const refused of added.filter((r) => r.status !== 201)) expect(codeOf(refused)).toEqual([422, 'ATTACHMENT.TOO_MANY']);
    expect(created).toBeLessThanOrEqual(10);
    expect(most).toBeLessThanOrEqual(MAX_ATTACHMENTS_PER_OWNER);
    expect(await held(article)).toBe(MAX_ATTACHMENTS_PER_OWNER - 10 + created);
  });

  it('an article in review or published keeps its attachments (422); returned to draft, it loses one', async () => {
    const article = await draft();
    const id = await uploaded(article);
    await as(http().post(`${article}/submit`)).expect(200);
    expect(codeOf(await remove(article, id))).toEqual([422, 'ATTACHMENT.ARTICLE_NOT_DRAFT']);
    await as(http().post(`${article}/return`)).expect(200);
    await remove(article, id).expect(204);

    const published = await uploaded(article);
    await as(http().post(`${article}/submit`)).expect(200);
    await as(http().post(`${article}/publications`))
      .send({ outlet: '内蒙古日报', level: 'provincial', channel: 'press', publishedOn: '2025-03-01' })
      .expect(201);
    expect(codeOf(await remove(article, published))).toEqual([422, 'ATTACHMENT.ARTICLE_NOT_DRAFT']);
    expect(await exists(published)).toBe(true);
    expect(await removals(published)).toEqual([]);
    await as(http().get(`/attachments/${published}`)).expect(200);
  });

  it('an article in review or published takes no upload either (422, the rule removal follows); returned to draft, it takes one', async () => {
    const article = await draft();
    await uploaded(article);
    await as(http().post(`${article}/submit`)).expect(200);
    const inReview = await upload(article);
    expect(codeOf(inReview)).toEqual([422, 'ATTACHMENT.ARTICLE_NOT_DRAFT']);
    expect((inReview.body as { message: string }).message).toMatch(
      /^稿件状态为待审核，不能添加附件.*\/ an article in in_review takes no new attachment.*\[rule publicity\.article-attachments-change-as-draft@1\]$/,
    );
    expect(await held(article)).toBe(1);

    await as(http().post(`${article}/return`)).expect(200);
    await upload(article).expect(201);
    await as(http().post(`${article}/submit`)).expect(200);
    await as(http().post(`${article}/publications`))
      .send({ outlet: '内蒙古日报', level: 'provincial', channel: 'press', publishedOn: '2025-03-01' })
      .expect(201);
    // Published: nothing slips in that could never be taken out again, however often it is tried.
    const tries = await Promise.all(Array.from({ length: 5 }, () => upload(article)));
    expect(tries.map(codeOf)).toEqual(Array(5).fill([422, 'ATTACHMENT.ARTICLE_NOT_DRAFT']));
    expect((tries[0]!.body as { message: string }).message).toContain('[rule publicity.article-attachments-change-as-draft@1]');
    expect(await held(article)).toBe(2);
  });

  it('the ETag names what GET answers, which lists no attachment: an upload or a removal leaves it, and an edit against it applies', async () => {
    for (const owner of [await draft(), await exemplar('proposed')]) {
      const etag = (await as(http().get(owner)).expect(200)).headers['etag'] as string;
      const id = await uploaded(owner);
      expect((await as(http().get(owner)).expect(200)).headers['etag']).toBe(etag);
      await remove(owner, id).expect(204);
      const after = await as(http().get(owner)).expect(200);
      expect(after.headers['etag']).toBe(etag);
      expect(Object.keys(after.body as object)).not.toContain('attachments');
      await as(http().patch(owner))
        .set('If-Match', etag)
        .send(owner.startsWith('/articles/') ? { title: '第二稿' } : { story: '<p>带头修路，又修了桥</p>' })
        .expect(200);
    }
  });

  it('an exemplar proposed or on the roll loses one; withdrawn or declined, it keeps them as upload refuses them (422)', async () => {
    for (const status of ['proposed', 'published']) {
      const owner = await exemplar(status);
      const id = await uploaded(owner);
      await remove(owner, id).expect(204);
      expect(await held(owner)).toBe(0);
    }
    for (const status of ['withdrawn', 'declined']) {
      const owner = await exemplar(status);
      const id = await stored('exemplar', owner.slice('/exemplars/'.length));
      expect(codeOf(await upload(owner))).toEqual([422, 'ATTACHMENT.OWNER_CLOSED']);
      expect(codeOf(await remove(owner, id))).toEqual([422, 'ATTACHMENT.OWNER_CLOSED']);
      expect(await exists(id)).toBe(true);
    }
  });

  it('an attachment is removed only through its own owner: another’s is 404 and stays', async () => {
    const [one, other] = [await draft(), await draft()];
    const theirs = await uploaded(other);
    expect(codeOf(await remove(one, theirs))).toEqual([404, 'ATTACHMENT.NOT_FOUND']);
    const exemplarOwner = await exemplar('proposed');
    expect(codeOf(await remove(exemplarOwner, theirs))).toEqual([404, 'ATTACHMENT.NOT_FOUND']);
    expect(await exists(theirs)).toBe(true);
  });

  it('outside the editor’s scope is answered as an unknown owner, and a role that may not upload may not remove', async () => {
    const elsewhere = randomUUID();
    await schema.pool.query(
      `insert into articles (id, org_id, title, body_html, status, author_sub, created_at, updated_at)
       values ($1, $2, '外县稿件', '<p>正文</p>', 'draft', 'someone', now(), now())`,
      [elsewhere, OTHER_COUNTY],
    );
    const theirs = await stored('article', elsewhere);
    const outOfScope = await remove(`/articles/${elsewhere}`, theirs);
    const unknown = await remove(`/articles/${randomUUID()}`, theirs);
    expect(codeOf(outOfScope)).toEqual([404, 'ARTICLE.NOT_FOUND']);
    expect(codeOf(unknown)).toEqual(codeOf(outOfScope));
    expect((outOfScope.body as { message: string }).message).toBe((unknown.body as { message: string }).message);
    expect(await exists(theirs)).toBe(true);
    expect(await removals(theirs)).toEqual([]);

    const mine = await draft();
    const id = await uploaded(mine);
    const uploadStatus = (await upload(mine, secretary)).status;
    expect(uploadStatus).toBe(403);
    expect((await remove(mine, id, secretary)).status).toBe(uploadStatus);
    await http().delete(`${mine}/attachments/${id}`).expect(401);
    expect(await exists(id)).toBe(true);
  });

  it('downloading an attachment whose owner is outside the editor’s scope is answered as an unknown attachment, word for word', async () => {
    const elsewhere = randomUUID();
    await schema.pool.query(
      `insert into articles (id, org_id, title, body_html, status, author_sub, created_at, updated_at)
       values ($1, $2, '外县稿件', '<p>正文</p>', 'draft', 'someone', now(), now())`,
      [elsewhere, OTHER_COUNTY],
    );
    const otherExemplar = randomUUID();
    await schema.pool.query(
      `insert into exemplars (id, status, source_kind, source_stream, source_event_id, subject_kind, subject_id, name, org_id,
                              org_name, category, story, proposed_at)
       values ($1, 'proposed', 'quarter_pioneer', 'pioneer-y', $2, 'member', $3, '孙立新', $4, '外县党支部', 'quarter_pioneer',
               '<p>事迹</p>', now())`,
      [otherExemplar, randomUUID(), randomUUID(), OTHER_COUNTY],
    );
    const unknown = answerOf(await as(http().get(`/attachments/${randomUUID()}`)));
    expect(unknown).toEqual([404, expect.objectContaining({ code: 'ATTACHMENT.NOT_FOUND' })]);
    for (const theirs of [await stored('article', elsewhere), await stored('exemplar', otherExemplar)])
      expect(answerOf(await as(http().get(`/attachments/${theirs}`)))).toEqual(unknown);
    // And one whose owner is gone altogether.
    expect(answerOf(await as(http().get(`/attachments/${await stored('article', randomUUID())}`)))).toEqual(unknown);
  });

  it('the OpenAPI document names both uploads and the answers they refuse with, as it does the removals', async () => {
    const doc = await http().get('/docs/openapi.json').expect(200);
    const paths = doc.body.paths as Record<
      string,
      Record<string, { summary?: string; responses: Record<string, { description: string }> }>
    >;
    for (const [path, notFound, closed] of [
      ['/articles/{id}/attachments', 'ARTICLE.NOT_FOUND', 'ATTACHMENT.ARTICLE_NOT_DRAFT'],
      ['/exemplars/{id}/attachments', 'EXEMPLAR.NOT_FOUND', 'ATTACHMENT.OWNER_CLOSED'],
    ] as const) {
      const post = paths[path]!['post']!;
      expect([path, post.summary]).toEqual([path, expect.stringMatching(/ \/ attach a PDF, PNG or JPEG/)]);
      expect(post.responses['404']?.description).toContain(notFound);
      expect(post.responses['422']?.description).toContain(closed);
      expect(post.responses['422']?.description).toContain('ATTACHMENT.TOO_MANY');
      expect(post.responses['413']).toBeDefined();
    }
    // The removals' record is not served: no path names it.
    expect(Object.keys(paths).filter((p) => /removal/i.test(p))).toEqual([]);
  });

  it('an attachment id that is no UUID is a 400 naming it', async () => {
    const res = await remove(await draft(), 'not-a-uuid').expect(400);
    expect(res.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'attachmentId' }] });
  });
});
