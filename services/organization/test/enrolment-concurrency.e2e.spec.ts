import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { EnrolMemberHandler } from '../src/application/commands/enrol-member/enrol-member.handler';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

const BAIHUA = demoOrgId('910425101');

/**
 * Enrolment only relies on its organisation (active, in scope), so it takes a shared row
 * lock: enrolments into one branch run side by side, while a dissolution, which changes the
 * row, waits for them and then sees their members (issue 8, defect 11).
 */
describe(EnrolMemberHandler.name, () => {
  let sut: INestApplication;
  let token: string;
  let db: Client;
  /** Outside any transaction: pg_stat_activity is read once per transaction and then cached. */
  let observer: Client;
  const http = () => request(sut.getHttpServer());
  const as = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    token = await tokenFor('county.organizer');
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

  const newVillage = async (): Promise<string> => {
    const res = await http()
      .post('/organizations')
      .set(as())
      .send({
        code: childCode('910425101'),
        name: '并发测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
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

  it('enrols one of many simultaneous enrolments of one ID number and refuses the rest with 409, never 500', async () => {
    for (let round = 0; round < 3; round++) {
      const orgId = await newVillage();
      const idNumber = `1101011990${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
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
