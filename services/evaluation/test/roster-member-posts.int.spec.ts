import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { OrgEventSigner, OrgEventVerifier } from '@vanguard/auth';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { rosterMigrations } from '../src/infrastructure/migrations/roster.migrations';
import { RosterProjection } from '../src/infrastructure/roster/roster.projection';
import { SqlVanguardPosts } from '../src/infrastructure/roster/sql-vanguard-posts';

/**
 * 亮牌示范 in evaluation's roster (ADR 0052): the posts of a MemberState record are kept; a row applied
 * before the roster kept posts (posts null) is filled by the same record read again — the new consumer
 * group's re-read — while an older record still changes nothing; counts by post are of active members only.
 */
describe('roster member posts', () => {
  let db: TestSchema;
  let sut: RosterProjection;
  const signer = OrgEventSigner.fromEnv();
  const UNIT = randomUUID();
  const OTHER = randomUUID();

  const state = (memberId: string, streamVersion: number, over: { orgId?: string; posts?: string[]; membership?: string } = {}) => {
    const orgId = over.orgId ?? UNIT;
    const envelope = signer.sign({
      eventId: randomUUID(),
      type: 'organization.MemberState',
      version: 1,
      streamId: `member-${memberId}`,
      streamVersion,
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
      actor: { sub: 'organization', roles: [] },
      orgId,
      correlationId: randomUUID(),
      causationId: null,
      data: { memberId, orgId, status: 'full', membership: over.membership ?? 'active', roles: [], posts: over.posts ?? [] },
    });
    return { key: envelope.streamId, value: JSON.stringify(envelope) };
  };
  const postsOf = async (id: string) =>
    (await db.pool.query<{ posts: string[] | null; version: string }>(`select posts, version from roster_members where id = $1`, [id]))
      .rows[0];

  beforeAll(async () => {
    db = await createTestSchema('roster_posts');
    const runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as unknown as QueryRunner;
    for (const M of rosterMigrations) await new M().up(runner);
    sut = new RosterProjection(db.pool, OrgEventVerifier.fromEnv());
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps the posts a member state carries, and a newer state replaces them', async () => {
    const id = randomUUID();
    expect(await sut.apply([state(id, 1, { posts: ['pioneer_post'] })])).toEqual({ applied: 1, refused: 0 });
    expect(await postsOf(id)).toEqual({ posts: ['pioneer_post'], version: '1' });
    await sut.apply([state(id, 2, { posts: ['pioneer_post', 'model_post'] })]);
    await sut.apply([state(id, 1, { posts: [] })]);
    expect(await postsOf(id)).toEqual({ posts: ['pioneer_post', 'model_post'], version: '2' });
  });

  it('given a row applied before posts were kept, when its state is read again, then the posts are filled; an older state still does nothing', async () => {
    const id = randomUUID();
    await db.pool.query(
      `insert into roster_members (id, org_id, status, membership, roles, version) values ($1, $2, 'full', 'active', '{}', 3)`,
      [id, UNIT],
    );
    await sut.apply([state(id, 2, { posts: ['model_household'] })]);
    expect(await postsOf(id)).toEqual({ posts: null, version: '3' });
    await sut.apply([state(id, 3, { posts: ['responsibility_zone'] })]);
    expect(await postsOf(id)).toEqual({ posts: ['responsibility_zone'], version: '3' });
    await sut.apply([state(id, 3, { posts: [] })]);
    expect(await postsOf(id)).toEqual({ posts: ['responsibility_zone'], version: '3' });
  });

  it('counts the posts held by the unit’s active members, in the vocabulary’s order, and nobody else’s', async () => {
    const posts = new SqlVanguardPosts(db.pool);
    const fresh = randomUUID();
    await sut.apply([
      state(randomUUID(), 1, { orgId: fresh, posts: ['model_post', 'pioneer_post'] }),
      state(randomUUID(), 1, { orgId: fresh, posts: ['pioneer_post'] }),
      state(randomUUID(), 1, { orgId: fresh, posts: [] }),
      state(randomUUID(), 1, { orgId: fresh, posts: ['pioneer_post'], membership: 'left' }),
      state(randomUUID(), 1, { orgId: OTHER, posts: ['pioneer_post'] }),
    ]);
    expect(await posts.heldIn(fresh)).toEqual([
      { post: 'pioneer_post', members: 2 },
      { post: 'model_post', members: 1 },
    ]);
    expect(await posts.heldIn(randomUUID())).toEqual([]);
  });
});
