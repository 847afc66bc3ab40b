import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { bootstrapDemoTree } from '@vanguard/auth';
import { COUNTY_INBOUND_TOPIC, contextTopic, deadLetterTopic } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { startServices, stopServices, tokenFor, waitUntil, type ServiceProcess } from '@vanguard/testing';
import {
  chinaDay,
  generatedRoster,
  rosterDrafts,
  tallyDraft,
  parseArgs,
  deedDraft,
  visitDraft,
  progressDraft,
  type CountyDraft,
} from '../src';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the demo region the realm's users point into, as organization's own test apps prepare it
import { prepareOrganizationTestDatabase } from '../../../services/organization/test/support/organization-test-app';
import { suiteGroups } from './support/suite-groups';
import { createOrg as createOrgThrough, dropOthersBacklog, learnVillages, villagesRelayState } from './support/villages';
import { SimulatedCounty, tap } from './support/two-counties';

// Two county systems (松岭旗 county-songling, 河口县 county-hekou) side by side, each the reference
// client with its own state and consumer groups, against the real organization, evaluation and
// assistance services (own processes, test database), the real inbound topic and real tokens.

const HEKOU = demoOrgId('910426');
const suite = `e2e-${randomUUID().slice(0, 8)}`;
/** The spawned services' consumer groups are the suite's own (KAFKA_GROUP_PREFIX), not `npm start`'s or an earlier run's. */
const groups = suiteGroups(`${suite}.`);
const digits = () => String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
const now = new Date();

describe('two county systems side by side', () => {
  let services: ServiceProcess[];
  let db: Pool;
  let songling: SimulatedCounty;
  let hekou: SimulatedCounty;
  const village = { songling: '', hekou: '' };
  const members = { songling: [] as string[], hekou: [] as string[] };
  let firstRosterMessage = '';

  const orgPort = () => services.find((s) => s.name === 'organization')!.port;
  const createOrg = (token: string, parentId: string, code: string, level: string, kind: string) =>
    createOrgThrough(orgPort(), token, { parentId, code, name: `${suite}-${level}`, level, kind });
  const known = (sql: string, params: unknown[]) => async () => ((await db.query(sql, params)).rowCount ?? 0) > 0;
  const send = (county: SimulatedCounty, drafts: CountyDraft[], validate = true) => county.client.send(drafts, { validate });
  const flags = (...args: string[]) => parseArgs(args).flags;

  beforeAll(async () => {
    db = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 2 });
    // Evaluation's org-tree copy holds the demo region, as a snapshot would and as evaluation's own
    // test app leaves it (the demo organisations are rows in the test database, not events on the
    // topic). Without it, whether 河口县 was there depended on which suites ran before: a village
    // below it had no full path, and its county's counts were refused ORGANIZATION.NOT_FOUND.
    const evaluationSchema = await db.connect();
    try {
      await evaluationSchema.query('set search_path to evaluation');
      await bootstrapDemoTree(evaluationSchema);
    } finally {
      evaluationSchema.release(true);
    }
    await prepareOrganizationTestDatabase();
    await dropOthersBacklog(db);
    await groups.startAtTopicEnds();
    services = await startServices(['organization', 'evaluation', 'assistance'], { KAFKA_GROUP_PREFIX: groups.prefix });
    songling = new SimulatedCounty('county-songling', suite);
    hekou = new SimulatedCounty('county-hekou', suite);
    // A village in each county, made by people through the platform's API.
    const [countyOrganizer, provinceOrganizer] = await Promise.all([tokenFor('county.organizer'), tokenFor('province.organizer')]);
    // Anything written to the shared outbox while the services booted (suites beside this one,
    // when it does not run alone as `npm test` runs it) is dropped again: the villages are next in line.
    await dropOthersBacklog(db);
    village.songling = await createOrg(countyOrganizer, demoOrgId('910425101'), `910425101${digits()}`, 'village', 'branch');
    const townshipCode = `910426${digits()}`;
    const hekouTownship = await createOrg(provinceOrganizer, HEKOU, townshipCode, 'township', 'committee');
    village.hekou = await createOrg(provinceOrganizer, hekouTownship, `${townshipCode}${digits()}`, 'village', 'branch');
    // Every owning service learns the tree from organization's state topic before it can scope a county message.
    // Their groups start where the topics ended; a generous wait all the same, for a loaded machine.
    const catchUp = { timeoutMs: 180_000 };
    try {
      await learnVillages(db, Object.values(village), catchUp);
    } catch (e) {
      // What the services said, and how far each group is behind, are the clues to why one never learned the village.
      const lag = JSON.stringify(await groups.lag().catch((err: Error) => err.message));
      const { unsent, villages } = await villagesRelayState(db, Object.values(village));
      throw new Error(
        `${(e as Error).message}\n--- groups behind: ${lag}\n--- organization's unsent: ${JSON.stringify(unsent)}\n--- villages: ${JSON.stringify(villages)}\n${services.map((s) => `--- ${s.name}\n${s.output().slice(-2500)}`).join('\n')}`,
        { cause: e },
      );
    }
    // A group the list above does not name read every shared topic from its beginning: name it there.
    expect(await groups.unlisted()).toEqual([]);
    await Promise.all([songling.startFollowing(), hekou.startFollowing()]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([songling?.close(), hekou?.close()]);
    await stopServices(services ?? []);
    await groups.remove();
    await db?.end();
  });

  it('each syncs its roster: every member applied, registered and linked to the county’s own id', async () => {
    const sent = {
      songling: await send(songling, rosterDrafts(generatedRoster(village.songling, 3))),
      hekou: await send(hekou, rosterDrafts(generatedRoster(village.hekou, 2))),
    };

    for (const [county, name] of [
      [songling, 'songling'],
      [hekou, 'hekou'],
    ] as const) {
      for (const e of sent[name]) {
        const reply = await county.reply(e.eventId);
        expect(reply).toMatchObject({ outcome: 'applied', service: 'organization', messageType: 'county.RosterMemberSynced' });
        expect(reply.result?.['memberId']).toEqual(expect.any(String));
      }
      members[name] = sent[name].map((e) => (e.data as { memberId: string }).memberId);
    }
    firstRosterMessage = sent.songling[0]!.eventId;
    const links = await db.query(`select county_client_id, org_id from organization.county_member_links where county_member_id = any($1)`, [
      [...members.songling, ...members.hekou],
    ]);
    expect(links.rows.filter((r) => r.county_client_id === 'county-songling' && r.org_id === village.songling)).toHaveLength(3);
    expect(links.rows.filter((r) => r.county_client_id === 'county-hekou' && r.org_id === village.hekou)).toHaveLength(2);
  }, 60_000);

  it('a democratic-review tally names the member by the county’s own id: translated through the links, the review’s own rule answers', async () => {
    const member = members.songling[0]!;
    await waitUntil(
      'evaluation to have the link',
      known('select 1 from evaluation.county_member_links where county_member_id = $1', [member]),
    );
    const [e] = await send(songling, [
      tallyDraft(
        'review',
        flags('--member', member, '--org', village.songling, '--issued', '12', '--returned', '12', '--excellent', '7', '--qualified', '5'),
        now,
      ),
    ]);

    // Not COUNTY.MEMBER_UNKNOWN: the county id became the platform member, whose review has no
    // self-assessment yet, so the review's rule refuses (ballots are counted after it) and says why.
    expect(await songling.reply(e!.eventId)).toMatchObject({
      outcome: 'refused',
      service: 'evaluation',
      code: 'evaluation.review.ballots-after-self-assessment@1',
      reason: expect.stringContaining('REVIEW.NOT_SELF_ASSESSED'),
    });
  }, 30_000);

  it('pledge progress reaches evaluation’s pledge rules: progress on a pledge the platform does not hold is refused as such', async () => {
    const [e] = await send(hekou, [
      progressDraft(flags('--pledge', randomUUID(), '--org', village.hekou, '--items', '4', '--done', '1'), now),
    ]);

    // A county reports progress on pledges made on the platform (公开承诺 is filed and published there).
    expect(await hekou.reply(e!.eventId)).toMatchObject({ outcome: 'refused', service: 'evaluation', code: 'PLEDGE.NOT_FOUND' });
  }, 30_000);

  // The decision travels evaluation's store relay (one leader per store: on a shared test database a
  // relay of another suite's process may hold it), hence the longer waits.
  it('a decision in Vanguard reaches each county through follow, and only the county it concerns', async () => {
    const tally = (org: string) =>
      tallyDraft(
        'mass',
        flags('--org', org, '--issued', '40', '--returned', '38', '--satisfied', '30', '--basically-satisfied', '6', '--dissatisfied', '2'),
        now,
      );
    const [a] = await send(songling, [tally(village.songling)]);
    const [b] = await send(hekou, [tally(village.hekou)]);
    expect(await songling.reply(a!.eventId)).toMatchObject({ outcome: 'applied', service: 'evaluation' });
    expect(await hekou.reply(b!.eventId)).toMatchObject({ outcome: 'applied', service: 'evaluation' });

    const decisionAbout = (county: SimulatedCounty, org: string) => () =>
      county.decisions.find((d) => d.orgId === org && d.type === 'evaluation.MassEvaluationTallyRecorded');
    expect(await waitUntil('松岭旗 to see its decision', decisionAbout(songling, village.songling), { timeoutMs: 60_000 })).toMatchObject({
      label: '群众评议计票结果',
    });
    await waitUntil('河口县 to see its decision', decisionAbout(hekou, village.hekou), { timeoutMs: 60_000 });
    expect(decisionAbout(songling, village.hekou)()).toBeUndefined();
    expect(decisionAbout(hekou, village.songling)()).toBeUndefined();
  }, 150_000);

  // ADR 0155: the county's system holds his status too; without the event its next sync was refused unexplained.
  it('a 转正 in the console reaches the member’s county through follow and not the other; the county then states him full', async () => {
    const [row] = generatedRoster(village.songling, 1).map((r) => ({ ...r, status: 'probationary', joinedOn: chinaDay(now, -400) }));
    const [synced] = await send(songling, rosterDrafts([row!]));
    const registered = await songling.reply(synced!.eventId);
    expect(registered).toMatchObject({ outcome: 'applied', service: 'organization' });
    const memberId = String(registered.result?.['memberId']);
    // A day before the China day, so a server whose day has not turned yet does not read it as the future.
    const fullOn = chinaDay(now, -1);

    const made = await fetch(`http://127.0.0.1:${orgPort()}/members/${memberId}/full`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor('county.organizer')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fullOn }),
    });
    expect(made.status).toBe(204);

    const madeFull = (county: SimulatedCounty) => () =>
      county.decisions.find((d) => d.type === 'organization.MemberBecameFull' && d.memberId === memberId);
    expect(await waitUntil('松岭旗 to see the 转正', madeFull(songling), { timeoutMs: 60_000 })).toMatchObject({
      label: '预备党员转正',
      orgId: village.songling,
      fullOn,
    });
    expect(madeFull(hekou)()).toBeUndefined();
    // A sync still stating him probationary is refused; the one that follows the decision is applied.
    const [stale] = await send(songling, rosterDrafts([row!]));
    expect(await songling.reply(stale!.eventId)).toMatchObject({ outcome: 'refused', code: 'MEMBER.ALREADY_FULL' });
    const [updated] = await send(songling, rosterDrafts([{ ...row!, status: 'full' }]));
    expect(await songling.reply(updated!.eventId)).toMatchObject({ outcome: 'applied', service: 'organization' });
  }, 150_000);

  it('a message of county A about county B’s village is refused on A’s reply topic with a reason, never applied', async () => {
    const [e] = await send(songling, rosterDrafts(generatedRoster(village.hekou, 1)));

    const reply = await songling.reply(e!.eventId);

    expect(reply).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE', reason: expect.any(String) });
    expect(hekou.replies.has(e!.eventId)).toBe(false);
    const member = (e!.data as { memberId: string }).memberId;
    expect((await db.query(`select 1 from organization.county_member_links where county_member_id = $1`, [member])).rowCount).toBe(0);
  }, 30_000);

  it('a malformed message lands in the dead-letter topic with the reason, and the county gets a refusal naming the field', async () => {
    const dlq = await tap(deadLetterTopic(COUNTY_INBOUND_TOPIC), () => true);
    try {
      const [bad] = generatedRoster(village.songling, 1);
      const [e] = await send(songling, rosterDrafts([{ ...bad!, joinedOn: '2001-13-45' }]), false);

      const reply = await songling.reply(e!.eventId);
      expect(reply).toMatchObject({ outcome: 'refused', code: 'COUNTY.INVALID' });
      expect(reply.reason).toContain('joinedOn');
      const dead = await waitUntil('the dead letter', () => dlq.seen.find((m) => m.value.includes(e!.eventId)), { timeoutMs: 30_000 });
      expect(dead.headers['vg-dlq-reason']).toBe('schema-violation');
      expect(dead.headers['vg-dlq-error']).toContain('joinedOn');
    } finally {
      await dlq.stop();
    }
  }, 45_000);

  it('a resent message changes nothing: the reply is duplicate with the first outcome, the roster is as it was', async () => {
    const before = await db.query(`select count(*)::int as n from organization.members where org_id = $1`, [village.songling]);

    const resent = await songling.client.resend(firstRosterMessage);

    expect(resent.streamVersion).toBe(1);
    const reply = await songling.reply(firstRosterMessage, (r) => r.outcome === 'duplicate');
    expect(reply).toMatchObject({ outcome: 'duplicate', originalOutcome: 'applied' });
    const after = await db.query(`select count(*)::int as n from organization.members where org_id = $1`, [village.songling]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  }, 30_000);

  it('assistance applies a deed of the county; a visit names the cadre by the county’s own id and meets assistance’s own rules', async () => {
    const cadre = members.songling[1]!;
    await waitUntil(
      'assistance to have the link',
      known('select 1 from assistance.county_member_links where county_member_id = $1', [cadre]),
      {
        timeoutMs: 30_000,
      },
    );
    const sent = await send(songling, [
      deedDraft(
        flags('--org', village.songling, '--helper-unit', '旗交通运输局', '--title', '硬化村道 3 公里', '--amount-fen', '125000000'),
        now,
      ),
      visitDraft(flags('--cadre', cadre, '--cadre-name', '党员0002', '--org', village.songling, '--households', 'HH-0001,HH-0002'), now),
    ]);

    expect(await songling.reply(sent[0]!.eventId)).toMatchObject({ outcome: 'applied', service: 'assistance' });
    // The county id was translated (not COUNTY.MEMBER_UNKNOWN); the member was never dispatched as a cadre, which assistance says.
    expect(await songling.reply(sent[1]!.eventId)).toMatchObject({ outcome: 'refused', service: 'assistance', code: 'CADRE.NOT_FOUND' });
  }, 45_000);

  it('a county offline for a day catches up from its offsets: what was published meanwhile reaches it when it is back', async () => {
    const events = await tap(contextTopic('evaluation'), (v) => v.includes(village.hekou) && v.includes('MassEvaluationTallyRecorded'));
    try {
      await hekou.stopFollowing();
      const before = hekou.decisions.length;
      const [e] = await send(hekou, [
        tallyDraft(
          'mass',
          flags(
            '--org',
            village.hekou,
            '--period',
            `${now.getUTCFullYear()}-Q1`,
            '--issued',
            '20',
            '--returned',
            '20',
            '--satisfied',
            '20',
          ),
          now,
        ),
      ]);
      expect(await hekou.reply(e!.eventId)).toMatchObject({ outcome: 'applied' });
      // Published while the county was away (no sleeping a day: its consumer is simply not running).
      await waitUntil('the decision on the events topic', () => events.seen.find((m) => m.value.includes('-Q1')), { timeoutMs: 30_000 });
      expect(hekou.decisions).toHaveLength(before);

      await hekou.startFollowing();

      await waitUntil('河口县 to catch up', () => hekou.decisions.slice(before).find((d) => d.orgId === village.hekou), {
        timeoutMs: 30_000,
      });
    } finally {
      await events.stop();
    }
  }, 60_000);
});
