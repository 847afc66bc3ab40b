import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { enrolInRoster, rosterMember } from './support/roster-fixture';

const VILLAGE = demoOrgId('910425101201');
const TOWNSHIP = demoOrgId('910425101');

/**
 * A member who pledges, is evaluated by the masses or benchmarks must be active in the
 * organisation named, per the roster: an unknown id and a member of another organisation
 * answer alike (404 MEMBER.NOT_FOUND).
 */
describe('member subjects are checked against the roster (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let village: string;
  let campaign: { campaignId: string; cycleId: string };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    village = await tokenFor('village.secretary');
    campaign = await openCampaign(app, await tokenFor('county.organizer'));
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const post = (path: string, body: object) => request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${village}`).send(body);
  const commands: [string, (member: string) => [string, object]][] = [
    [
      'a mass evaluation',
      (m) => [
        '/mass-evaluations',
        { subject: { kind: 'member', id: m }, orgId: VILLAGE, eligibleVoters: 3, opensOn: '2011-06-02', closesOn: '2011-06-09' },
      ],
    ],
    [
      'a member pledge',
      (m) => [
        '/pledges',
        {
          ...campaign,
          pledger: { kind: 'member', id: m },
          orgId: VILLAGE,
          category: 'deed_for_masses',
          content: '帮扶困难户',
          dueOn: '2011-06-20',
        },
      ],
    ],
    [
      'a member benchmark',
      (m) => [
        '/benchmarks',
        {
          subject: { kind: 'member', id: m },
          orgId: VILLAGE,
          target: { kind: 'organization', id: demoOrgId('910425102'), name: '河口镇党委' },
          gaps: ['带富能力弱'],
          measures: ['学一门实用技术'],
          dueOn: '2011-12-31',
        },
      ],
    ],
  ];

  it.each(commands)('refuses %s of an unknown member or one of another organisation alike, and takes the branch’s own', async (_, body) => {
    const elsewhere = randomUUID();
    await enrolInRoster(db, TOWNSHIP, [elsewhere]);
    for (const m of [randomUUID(), elsewhere]) {
      const res = await post(...body(m));
      expect([res.status, res.body.code]).toEqual([404, 'MEMBER.NOT_FOUND']);
    }
    const own = await post(...body(await rosterMember(db, VILLAGE)));
    expect(own.status).toBe(201);
  });
});
