import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { EnrolMemberHandler } from '../src/application/commands/enrol-member/enrol-member.handler';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { randomIdNumber } from './support/id-numbers';

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');

/**
 * Enrolment only relies on its organisation (active, in scope), so it takes a shared row
 * lock: enrolments into one branch run side by side, while a dissolution, which changes the
 * row, waits for them and then sees their members (issue 8, defect 11).
 */
describe(EnrolMemberHandler.name, () => {
  let sut: INestApplication;
  let token: string;
  /** Baihua township's secretary: Baihua's subtree is theirs, Hekou's is not. */
  let secretaryToken: string;
  let db: Client;
  /** Outside any transaction: pg_stat_activity is read once per transaction and then cached. */
  let observer: Client;
  const http = () => request(sut.getHttpServer());
  const as = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    token = await tokenFor('county.organizer');
    secretaryToken = await tokenFor('township.secretary');
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    observer = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await observer.connect();
  });
  afterAll(async () => {
    await db?.end();
    await observer?.end();
    await sut?.close();
  });

  const register = async (parent: { id: string; code: string }, kind = 'branch'): Promise<{ id: string; code: string }> => {
    const code = childCode(parent.code);
    const res = await http()
      .post('/organizations')
      .set(as())
      .send({ code, name: '并发测试支部', level: 'village', kind, sector: 'rural', parentId: parent.id, establishedOn: '2005-01-01' });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, code };
  };
  const newVillage = async (): Promise<string> => (await register({ id: BAIHUA, code: '910425101' })).id;
  const enrol = (orgId: string, n: number) =>
    http()
      .post('/members')
      .set(as())
      .send({ orgId, name: `并发党员${n}`, status: 'full', joinedOn: '2012-07-01' });
  const dissolve = (orgId: string) => http().post(`/organizations/${orgId}/dissolve`).set(as()).send({ reason: '并发测试' });

  it('enrols while another enrolment into the same organisation is still open, and a dissolution waits for it', async () => {
    const orgId = await newVillage();
    // An enrolment in flight: the shared lock it holds on the organisation until it commits.
    await db.query('begin');
    await db.query('select id from organization.organizations where id = $1 for share', [orgId]);
    try {
      // Before the shared lock this queued behind the open transaction until it ended.
      const res = await Promise.race([
        enrol(orgId, 0),
        new Promise<never>((_, fail) => setTimeout(() => fail(new Error('the enrolment queued behind another enrolment')), 15_000)),
      ]);
      expect(res.status).toBe(201);

      let dissolved: request.Response | undefined;
      const pending = dissolve(orgId).then((r) => (dissolved = r));
      const holder = (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      // Whatever the dissolution's SQL says, it is a backend that our open transaction blocks.
      await waitUntil(
        'the dissolution to wait for the shared lock',
        async () => {
          if (dissolved) throw new Error(`the dissolution answered ${dissolved.status} without waiting`);
          return (
            (
              await observer.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))`, [
                holder,
              ])
            ).rows[0]!.n > 0
          );
        },
        { timeoutMs: 10_000 },
      );
      expect(dissolved).toBeUndefined();
      await db.query('commit');
      await pending;
      // It saw the member enrolled meanwhile: dissolving needs the branch emptied first.
      expect(dissolved!.status).toBe(422);
    } finally {
      await db.query('rollback').catch(() => undefined);
    }
  });

  it('never leaves an active member in a dissolved organisation, whatever the interleaving', async () => {
    for (let round = 0; round < 8; round++) {
      const orgId = await newVillage();
      const n = 12;
      const at = Math.floor(Math.random() * (n + 1)); // where the dissolution joins the burst
      const calls: Promise<request.Response>[] = [];
      for (let i = 0; i <= n; i++) calls.push(i === at ? dissolve(orgId) : enrol(orgId, i));
      const answers = await Promise.all(calls);
      const dissolution = answers[at]!;
      const enrolled = answers.filter((r, i) => i !== at && r.status === 201).length;
      const {
        rows: [state],
      } = await db.query<{ status: string; active: number }>(
        `select o.status, (select count(*)::int from organization.members m where m.org_id = o.id and m.membership = 'active') as active
           from organization.organizations o where o.id = $1`,
        [orgId],
      );
      expect(answers.every((r) => r.status < 500)).toBe(true);
      expect(state!.active).toBe(enrolled);
      if (dissolution.status < 300) {
        expect(state!.status).toBe('dissolved');
        expect(enrolled).toBe(0);
      } else {
        expect(dissolution.status).toBe(422);
        expect(state!.status).toBe('active');
      }
    }
  });

  it('never enrols into a branch once a move took it out of the caller’s subtree, whatever the interleaving', async () => {
    // The township secretary enrols into a village below a general branch that the county moves
    // from their township to another. Every enrolment answered 201 must have committed before the
    // move: the move locks the whole subtree before it writes its event, so each such member's
    // event precedes the move's in the outbox. One after it was written outside the caller's scope
    // (an enrolment that read the village before the move and wrote after it, ADR 0112).
    for (let round = 0; round < 8; round++) {
      const general = await register({ id: BAIHUA, code: '910425101' }, 'general_branch');
      const village = await register(general);
      const n = 12;
      const at = Math.floor(Math.random() * (n + 1)); // where the move joins the burst
      const calls: Promise<request.Response>[] = [];
      for (let i = 0; i <= n; i++)
        calls.push(
          i === at
            ? http().post(`/organizations/${general.id}/move`).set(as()).send({ parentId: HEKOU_TOWN })
            : http()
                .post('/members')
                .set({ Authorization: `Bearer ${secretaryToken}` })
                .send({ orgId: village.id, name: `迁移并发党员${i}`, status: 'full', joinedOn: '2012-07-01' }),
        );
      const answers = await Promise.all(calls);
      expect(answers[at]!.status).toBe(204);
      const enrolments = answers.filter((_, i) => i !== at);
      expect(enrolments.every((r) => r.status === 201 || r.status === 403)).toBe(true);
      const { rows } = await db.query<{ member_id: string; outbox_id: string; moved_id: string }>(
        `select m.id as member_id, e.id as outbox_id,
                (select id from organization.vanguard_outbox
                  where stream_id = 'organization-' || $2 and event_type = 'organization.OrganizationMoved') as moved_id
           from organization.members m
           join organization.vanguard_outbox e on e.stream_id = 'member-' || m.id
          where m.org_id = $1`,
        [village.id, general.id],
      );
      expect(rows.map((r) => r.member_id).sort()).toEqual(
        enrolments
          .filter((r) => r.status === 201)
          .map((r) => r.body.id as string)
          .sort(),
      );
      const afterTheMove = rows.filter((r) => BigInt(r.outbox_id) > BigInt(r.moved_id));
      expect({ round, at, afterTheMove }).toEqual({ round, at, afterTheMove: [] });
    }
  });

  it('enrols one of many simultaneous enrolments of one ID number and refuses the rest with 409, never 500', async () => {
    for (let round = 0; round < 3; round++) {
      const orgId = await newVillage();
      const idNumber = randomIdNumber('110101');
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http()
            .post('/members')
            .set(as())
            .send({ orgId, name: `同号党员${i}`, status: 'full', joinedOn: '2012-07-01', idNumber }),
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
      const {
        rows: [state],
      } = await db.query<{ members: number }>(
        `select count(*)::int as members from organization.members where org_id = $1 and membership = 'active'`,
        [orgId],
      );
      expect(state!.members).toBe(1);
    }
  });
});
