import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { OrgEventSigner } from '@vanguard/auth';
import { CountyMemberLinked } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import { metricsRegistry } from '@vanguard/observability';
import { CountySystems, createLedTopics, testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { OVERSIGHT_READ_MODEL, type OversightReadModel } from '../src/application/ports/read-model.port';
import { CountyInboundRunner } from '../src/infrastructure/county/county-inbound.runner';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage, rosterMember } from './support/assistance-test-app';

const SONGLING = demoOrgId('910425');
const HEKOU = demoOrgId('910426');

// Deeds and visits from a county system, end to end in the assistance service: real county
// tokens, the gate in front of the translations, rows, events and replies in one transaction,
// replies on the county's reply topic through the outbox relay.
describe(`${CountyInboundRunner.name} (assistance)`, () => {
  const counties = new CountySystems({ 'county-songling': SONGLING, 'county-hekou': HEKOU });
  const linksTopic = `${testTopicPrefix('assistance-county-links')}.organization`;
  let db: Pool;
  let sut: INestApplication;
  let village: string;
  let cadreId: string;
  const countyCadre = randomUUID();

  /** organization.CountyMemberLinked as the organization service signs it, on the links topic. */
  async function publishLink(countyClientId: string, countyMemberId: string, member: string, orgId: string, streamVersion: number) {
    const at = new Date().toISOString();
    const link = OrgEventSigner.fromEnv().sign({
      eventId: randomUUID(),
      type: CountyMemberLinked.type,
      version: 1,
      streamId: `member-${member}`,
      streamVersion,
      occurredAt: at,
      recordedAt: at,
      actor: { sub: 'organization', roles: ['county_system'], orgId: SONGLING, kind: 'service' as const },
      orgId,
      correlationId: randomUUID(),
      causationId: null,
      data: { countyClientId, countyMemberId, memberId: member, orgId },
    });
    const producer = testProducer(counties.kafka);
    await producer.connect();
    await producer.send({ topic: linksTopic, messages: [{ key: link.streamId, value: JSON.stringify(link) }] });
    await producer.disconnect();
  }

  beforeAll(async () => {
    db = assistanceDb();
    await counties.start();
    const admin = counties.kafka.admin();
    await admin.connect();
    await createLedTopics(admin, [{ topic: linksTopic }]);
    await admin.disconnect();
    sut = await createAssistanceTestApp({
      relay: true,
      county: {
        enabled: true,
        knownCounties: ['county-songling', 'county-hekou'],
        topic: counties.inbound,
        groupId: `assistance-county-inbound-${randomUUID()}`,
        linksGroupId: `assistance-county-links-${randomUUID()}`,
        linksTopic,
        // Short, so an unknown cadre is refused soon; still far longer than a link takes to arrive here.
        linkGraceMs: 2_000,
      },
    });
    village = await freshVillage(db, '910425101');
    const member = await rosterMember(db, village);
    cadreId = randomUUID();
    await db.query(
      `insert into cadres (id, member_id, org_id, role, sending_unit_name, starts_on, ends_on, recorded_at)
       values ($1, $2, $3, 'first_secretary', '旗财政局', $4, $5, now())`,
      [cadreId, member, village, dayFromToday(-60), dayFromToday(300)],
    );
    for (const label of ['HH-001', 'HH-002']) {
      const household = randomUUID();
      await db.query(`insert into households (id, org_id, label, head_name, recorded_at) values ($1, $2, $3, '户主', now())`, [
        household,
        village,
        label,
      ]);
      await db.query(`insert into contact_cards (cadre_id, household_id, issued_on) values ($1, $2, $3)`, [
        cadreId,
        household,
        dayFromToday(-30),
      ]);
    }
    await publishLink('county-songling', countyCadre, member, village, 1);
    await waitUntil(
      'the county member link',
      async () => (await db.query(`select 1 from county_member_links where county_member_id = $1`, [countyCadre])).rows.length === 1,
    );
  }, 40_000);

  afterAll(async () => {
    await sut?.close();
    await counties.stop();
    await db?.end();
  });

  const count = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;

  it('records a county deed in fen, replaces it by deedId, answers a resend duplicate, refuses a future day, a year 0000 (recording the deed sent after it) and another county’s village', async () => {
    const deedId = randomUUID();
    const deed = (title: string, doneOn = dayFromToday(-3)) => ({
      deedId,
      orgId: village,
      helperUnitName: '旗水利局',
      category: 'drinking_water',
      title,
      doneOn,
      amountFen: 1_250_000,
    });
    const first = await counties.send('county-songling', 'county.DeedRecorded', `deed-${deedId}`, 1, deed('打井一眼'));
    expect(await counties.replyTo(first)).toMatchObject({ outcome: 'applied', result: { deedId } });
    const again = await counties.send('county-songling', 'county.DeedRecorded', `deed-${deedId}`, 2, deed('打井一眼并配水泵'));
    expect(await counties.replyTo(again)).toMatchObject({ outcome: 'applied', result: { deedId, replaced: 'true' } });
    await counties.send('county-songling', 'county.DeedRecorded', `deed-${deedId}`, 1, deed('打井一眼'), first);
    expect(await counties.replyTo(first, 'duplicate')).toMatchObject({ originalOutcome: 'applied' });
    const { rows } = await db.query(`select title, amount_fen::int as fen, county_client_id, helper_unit_name from deeds where id = $1`, [
      deedId,
    ]);
    expect(rows).toEqual([
      { title: '打井一眼并配水泵', fen: 1_250_000, county_client_id: 'county-songling', helper_unit_name: '旗水利局' },
    ]);
    // Announced once as done, then as corrected (what it was before, so consumers replace rather than add); the resend adds nothing.
    const { rows: announced } = await db.query<{ event_type: string; data: Record<string, unknown> }>(
      `select event_type, envelope->'data' as data from vanguard_outbox where stream_id = $1 order by id`,
      [`deed-${deedId}`],
    );
    expect(announced.map((e) => e.event_type)).toEqual(['assistance.DeedDone', 'assistance.DeedCorrected']);
    expect(announced[1]!.data).toMatchObject({
      deedId,
      orgId: village,
      title: '打井一眼并配水泵',
      previous: { orgId: village, title: '打井一眼' },
    });

    const future = randomUUID();
    const ahead = await counties.send('county-songling', 'county.DeedRecorded', `deed-${future}`, 1, {
      ...deed('修路', dayFromToday(5)),
      deedId: future,
    });
    expect(await counties.replyTo(ahead)).toMatchObject({ outcome: 'refused', code: 'day-not-in-future@1' });
    // Year 0000 passes the contract's pattern; written, Postgres refused it and with it the gate's whole batch.
    const yearZero = randomUUID();
    const zero = await counties.send('county-songling', 'county.DeedRecorded', `deed-${yearZero}`, 1, {
      ...deed('修渠', '0000-03-01'),
      deedId: yearZero,
    });
    const following = randomUUID();
    const next = await counties.send('county-songling', 'county.DeedRecorded', `deed-${following}`, 1, {
      ...deed('修渠'),
      deedId: following,
    });
    expect(await counties.replyTo(zero)).toMatchObject({
      outcome: 'refused',
      code: 'DAY.INVALID',
      reason: expect.stringContaining('doneOn'),
    });
    expect(await counties.replyTo(next)).toMatchObject({ outcome: 'applied', result: { deedId: following } });
    expect(await count(`select count(*)::int as n from deeds where id = $1`, [following])).toBe(1);
    const foreign = randomUUID();
    const out = await counties.send('county-songling', 'county.DeedRecorded', `deed-${foreign}`, 1, {
      ...deed('修桥'),
      deedId: foreign,
      orgId: HEKOU,
    });
    expect(await counties.replyTo(out)).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    // A helper unit named by an id no organisation holds is outside the county's subtree: the gate refuses it.
    const unhelped = randomUUID();
    const helper = await counties.send('county-songling', 'county.DeedRecorded', `deed-${unhelped}`, 1, {
      ...deed('修水渠'),
      deedId: unhelped,
      helperOrgId: randomUUID(),
    });
    expect(await counties.replyTo(helper)).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    expect(await count(`select count(*)::int as n from deeds where id = any($1::uuid[])`, [[future, foreign, yearZero, unhelped]])).toBe(0);
  });

  it('logs a county visit for the linked cadre, which counts for the households’ quarter; refuses unknown households and an unknown cadre', async () => {
    const visit = (cadre: string, householdRefs: string[]) => ({
      visitId: randomUUID(),
      cadreId: cadre,
      cadreName: '李书记',
      orgId: village,
      visitedOn: dayFromToday(0),
      householdRefs,
      summary: '了解春耕用水情况',
    });
    const oversight = sut.get<OversightReadModel>(OVERSIGHT_READ_MODEL);
    const actor = { sub: 'x', username: 'x', roles: ['organizer'], orgId: SONGLING, kind: 'user' as const };
    const overdue = async () =>
      (await oversight.overdueVisits(actor, dayFromToday(0), { villageId: village }, { limit: 50, offset: 0 })).items.length;
    expect(await overdue()).toBe(2);

    const ok = visit(countyCadre, ['HH-001', 'HH-002']);
    const sent = await counties.send('county-songling', 'county.VisitLogged', `field-diary-${countyCadre}`, 1, ok);
    expect(await counties.replyTo(sent)).toMatchObject({ outcome: 'applied', result: { visitId: ok.visitId, cadreId, households: '2' } });
    expect(await count(`select count(*)::int as n from visit_households where visit_id = $1`, [ok.visitId])).toBe(2);
    expect(await overdue()).toBe(0);

    const strangers = await counties.send(
      'county-songling',
      'county.VisitLogged',
      `field-diary-${countyCadre}`,
      2,
      visit(countyCadre, ['HH-999']),
    );
    expect(await counties.replyTo(strangers)).toMatchObject({ outcome: 'refused', code: 'visited-households-hold-card@1' });
    const nobody = randomUUID();
    const unknown = await counties.send('county-songling', 'county.VisitLogged', `field-diary-${nobody}`, 1, visit(nobody, ['HH-001']));
    expect(await counties.replyTo(unknown)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_UNKNOWN' });
  });

  it('waits for the link the organization publishes after a visit arrived, then logs the visit (ADR 0159)', async () => {
    const member = await rosterMember(db, village);
    const cadre = randomUUID();
    const household = randomUUID();
    const countyId = randomUUID();
    await db.query(
      `insert into cadres (id, member_id, org_id, role, sending_unit_name, starts_on, ends_on, recorded_at)
       values ($1, $2, $3, 'first_secretary', '旗农牧局', $4, $5, now())`,
      [cadre, member, village, dayFromToday(-60), dayFromToday(300)],
    );
    await db.query(`insert into households (id, org_id, label, head_name, recorded_at) values ($1, $2, 'HH-LATE', '户主', now())`, [
      household,
      village,
    ]);
    await db.query(`insert into contact_cards (cadre_id, household_id, issued_on) values ($1, $2, $3)`, [
      cadre,
      household,
      dayFromToday(-30),
    ]);
    const retried = () => counties.inboundRetries(metricsRegistry);
    const before = await retried();
    const visitId = randomUUID();
    const sent = await counties.send('county-songling', 'county.VisitLogged', `field-diary-${countyId}`, 1, {
      visitId,
      cadreId: countyId,
      cadreName: '王书记',
      orgId: village,
      visitedOn: dayFromToday(0),
      householdRefs: ['HH-LATE'],
      summary: '了解牧草储备',
    });
    // The gate has looked the id up and found no link: only now is the link published.
    await waitUntil('the gate to hold the visit back', async () => (await retried()) > before);
    await publishLink('county-songling', countyId, member, village, 1);

    expect(await counties.replyTo(sent)).toMatchObject({ outcome: 'applied', result: { visitId, cadreId: cadre, households: '1' } });
  });

  it('refuses a county visit on a day no calendar has DAY.INVALID naming visitedOn, logs nothing for it, and logs the visit sent right after it', async () => {
    const visit = (visitedOn: string) => ({
      visitId: randomUUID(),
      cadreId: countyCadre,
      cadreName: '李书记',
      orgId: village,
      visitedOn,
      householdRefs: ['HH-001'],
      summary: '回访春耕用水',
    });
    const diary = `field-diary-${countyCadre}`;
    // Year 0000 passes the contract's pattern; written, Postgres refused it and with it the gate's whole batch.
    const yearZero = visit('0000-03-01');
    const valid = visit(dayFromToday(-1));
    const zero = await counties.send('county-songling', 'county.VisitLogged', diary, 3, yearZero);
    const next = await counties.send('county-songling', 'county.VisitLogged', diary, 4, valid);
    expect(await counties.replyTo(zero)).toMatchObject({
      outcome: 'refused',
      code: 'DAY.INVALID',
      reason: expect.stringContaining('visitedOn'),
    });
    expect(await counties.replyTo(next)).toMatchObject({
      outcome: 'applied',
      result: { visitId: valid.visitId, cadreId, households: '1' },
    });
    const logged = async (visitId: string) => [
      await count(`select count(*)::int as n from visits where id = $1`, [visitId]),
      await count(`select count(*)::int as n from visit_households where visit_id = $1`, [visitId]),
      await count(`select count(*)::int as n from vanguard_outbox where envelope->'data'->>'visitId' = $1`, [visitId]),
    ];
    expect(await logged(yearZero.visitId)).toEqual([0, 0, 0]);
    expect(await logged(valid.visitId)).toEqual([1, 1, 1]);
  });

  it('refuses a county visit whose household reference is a phone or ID-card number COUNTY.INVALID without repeating it, stores nothing of it, and logs the visit sent right after it', async () => {
    const visit = (householdRefs: string[]) => ({
      visitId: randomUUID(),
      cadreId: countyCadre,
      cadreName: '李书记',
      orgId: village,
      visitedOn: dayFromToday(-1),
      householdRefs,
      summary: '回访春耕用水',
    });
    const diary = `field-diary-${countyCadre}`;
    // Each passes the contract's pattern, which refuses only a bare mobile or 18-character ID-card number.
    const numbers = [
      '138-0013-8000',
      '8613800138000',
      '010-12345678',
      '110105194912310',
      '110105-19491231-002X',
      // Split by the marks a reference may hold, as a page would still show the number (a probe).
      '138.0013.8000',
      '138_0013_8000',
      'HH:138:0013:8000',
    ];
    const personal = numbers.map((n) => visit(['HH-001', n]));
    const sent = [];
    for (const [i, v] of personal.entries()) sent.push(await counties.send('county-songling', 'county.VisitLogged', diary, 5 + i, v));
    const valid = visit(['HH-002']);
    const next = await counties.send('county-songling', 'county.VisitLogged', diary, 5 + personal.length, valid);

    for (const [i, id] of sent.entries()) {
      const reply = await counties.replyTo(id);
      expect(reply).toMatchObject({ outcome: 'refused', code: 'COUNTY.INVALID', reason: expect.stringContaining('householdRefs[1]') });
      const digits = numbers[i]!.replace(/[^0-9X]/g, '');
      expect(String(reply.reason).replace(/[^0-9X]/g, '')).not.toContain(digits);
    }
    expect(await counties.replyTo(next)).toMatchObject({
      outcome: 'applied',
      result: { visitId: valid.visitId, cadreId, households: '1' },
    });
    const visitIds = personal.map((v) => v.visitId);
    expect(await count(`select count(*)::int as n from visits where id = any($1::uuid[])`, [visitIds])).toBe(0);
    expect(await count(`select count(*)::int as n from visit_households where visit_id = any($1::uuid[])`, [visitIds])).toBe(0);
    expect(await count(`select count(*)::int as n from vanguard_outbox where envelope->'data'->>'visitId' = any($1)`, [visitIds])).toBe(0);
    // Nor in what the gate keeps and sends of these messages: the ledger's reason and the replies.
    for (const [i, n] of numbers.entries()) {
      const about = [sent[i], `%${n}%`];
      expect(await count(`select count(*)::int as n from county_messages where message_id = $1 and reason like $2`, about)).toBe(0);
      expect(
        await count(
          `select count(*)::int as n from vanguard_outbox where envelope->'data'->>'messageId' = $1 and envelope::text like $2`,
          about,
        ),
      ).toBe(0);
    }
  });

  it('answers the county whose link another county took over (ADR 0048) COUNTY.MEMBER_TAKEN_OVER, naming that county', async () => {
    const member = await rosterMember(db, village);
    const songlingId = randomUUID();
    await publishLink('county-songling', songlingId, member, village, 1);
    await publishLink('county-hekou', member, member, village, 2);
    await waitUntil(
      'the take-over',
      async () =>
        (await db.query(`select 1 from county_member_links where member_id = $1 and county_client_id = 'county-hekou'`, [member])).rows
          .length === 1,
    );
    const sent = await counties.send('county-songling', 'county.VisitLogged', `field-diary-${songlingId}`, 1, {
      visitId: randomUUID(),
      cadreId: songlingId,
      cadreName: '李书记',
      orgId: village,
      visitedOn: dayFromToday(0),
      householdRefs: ['HH-001'],
      summary: '了解春耕用水情况',
    });
    const reply = await counties.replyTo(sent);
    expect(reply).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_TAKEN_OVER' });
    expect(reply.reason).toContain('county-hekou');
  });
});
