import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { ENROLMENT_WRITE, type EnrolmentWrite } from '../src/application/ports/enrolment-write.port';
import { Member } from '../src/domain/member/member.aggregate';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');
const context = {
  actor: {
    sub: 'guarded-write-test',
    username: 'guarded-write-test',
    roles: ['organizer'],
    orgId: demoOrgId('910425'),
    kind: 'user' as const,
  },
  correlationId: 'guarded-write-test',
  causationId: null,
};

/**
 * The enrolment's one guarded statement (ADR 0082): it writes the member, the history, the
 * stream's counter and the outbox row only while the organisation is active at the version the
 * command read; otherwise none of them.
 */
describe('PgEnrolmentWrite', () => {
  let app: INestApplication;
  let sut: EnrolmentWrite;
  let db: Client;
  let token: string;

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    sut = app.get(ENROLMENT_WRITE);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    token = await tokenFor('county.organizer');
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const newVillage = async (
    parent = { id: BAIHUA, code: '910425101' },
    kind = 'branch',
  ): Promise<{ id: string; version: number; code: string }> => {
    const code = childCode(parent.code);
    const res = await request(app.getHttpServer())
      .post('/organizations')
      .set({ Authorization: `Bearer ${token}` })
      .send({ code, name: '守卫测试支部', level: 'village', kind, sector: 'rural', parentId: parent.id, establishedOn: '2005-01-01' });
    expect(res.status).toBe(201);
    return { ...(await versionOf(res.body.id as string)), code };
  };
  const versionOf = async (id: string) => ({
    id,
    version: (await db.query<{ version: number }>('select version from organization.organizations where id = $1', [id])).rows[0]!.version,
  });
  const joined = (orgId: string) =>
    Member.join({ id: randomUUID(), orgId, name: '守卫党员', status: 'full', joinedOn: '2012-07-01', roles: [], posts: [] }, '2026-12-01');
  /** What one enrolment leaves behind, from each table it writes. */
  const traces = async (memberId: string) =>
    (
      await db.query<{ members: number; history: number; counters: number; outbox: number }>(
        `select (select count(*)::int from organization.members where id = $1) as members,
                (select count(*)::int from organization.member_history where member_id = $1) as history,
                (select count(*)::int from organization.stream_versions where stream_id = 'member-' || $1) as counters,
                (select count(*)::int from organization.vanguard_outbox where stream_id = 'member-' || $1) as outbox`,
        [memberId],
      )
    ).rows[0]!;

  it('writes the member, its history and its numbered event when the organisation is as read', async () => {
    const org = await newVillage();
    const member = joined(org.id);
    expect(await sut.enrolIfUnchanged(member, org, context)).toBe(true);
    expect(await traces(member.id)).toEqual({ members: 1, history: 1, counters: 1, outbox: 1 });
    const { rows } = await db.query<{ envelope: { type: string; streamVersion: number; data: { memberId: string } } }>(
      `select envelope from organization.vanguard_outbox where stream_id = $1`,
      [`member-${member.id}`],
    );
    expect(rows[0]!.envelope).toMatchObject({ type: 'organization.MemberJoined', streamVersion: 1, data: { memberId: member.id } });
  });

  it('writes nothing once the organisation changed since it was read, or was dissolved', async () => {
    const org = await newVillage();
    await request(app.getHttpServer())
      .patch(`/organizations/${org.id}/name`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ name: '守卫测试支部（更名）' })
      .expect(204);
    const renamed = joined(org.id);
    expect(await sut.enrolIfUnchanged(renamed, org, context)).toBe(false);
    expect(await traces(renamed.id)).toEqual({ members: 0, history: 0, counters: 0, outbox: 0 });

    const now = await versionOf(org.id);
    await request(app.getHttpServer())
      .post(`/organizations/${org.id}/dissolve`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ reason: '守卫测试' })
      .expect(204);
    // Dissolved at a version of its own; the version the command read is gone, and so is `active`.
    const late = joined(org.id);
    expect(await sut.enrolIfUnchanged(late, now, context)).toBe(false);
    expect(await sut.enrolIfUnchanged(joined(org.id), await versionOf(org.id), context)).toBe(false);
    expect(await traces(late.id)).toEqual({ members: 0, history: 0, counters: 0, outbox: 0 });
  });

  it('writes nothing once an organisation above it moved since it was read', async () => {
    // Its own row changes too (path and code): a branch read before the move is not the branch after it.
    const general = await newVillage(undefined, 'general_branch');
    const leaf = await newVillage(general);
    await request(app.getHttpServer())
      .post(`/organizations/${general.id}/move`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ parentId: HEKOU_TOWN })
      .expect(204);
    const late = joined(leaf.id);
    expect(await sut.enrolIfUnchanged(late, leaf, context)).toBe(false);
    expect(await traces(late.id)).toEqual({ members: 0, history: 0, counters: 0, outbox: 0 });
    const secretary = { ...context.actor, orgId: BAIHUA };
    expect(await sut.holdIfUnchanged(randomUUID(), secretary, leaf, { memberId: randomUUID(), insideCallersSubtree: false })).toBe(false);
    // Read again, it is written.
    expect(await sut.enrolIfUnchanged(joined(leaf.id), await versionOf(leaf.id), context)).toBe(true);
  });

  it('holds an enrolment for review in the same guarded statement, and holds nothing once the organisation changed', async () => {
    const org = await newVillage();
    const holds = async (checkId: string) =>
      (await db.query<{ n: number }>(`select count(*)::int as n from organization.id_number_review_holds where job_id = $1`, [checkId]))
        .rows[0]!.n;
    const secretary = { ...context.actor, orgId: BAIHUA };
    const held = randomUUID();
    expect(await sut.holdIfUnchanged(held, secretary, org, { memberId: randomUUID(), insideCallersSubtree: false })).toBe(true);
    expect(await holds(held)).toBe(1);

    await request(app.getHttpServer())
      .patch(`/organizations/${org.id}/name`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ name: '守卫测试支部（再更名）' })
      .expect(204);
    const late = randomUUID();
    expect(await sut.holdIfUnchanged(late, secretary, org, { memberId: randomUUID(), insideCallersSubtree: false })).toBe(false);
    expect(await holds(late)).toBe(0);
  });
});
