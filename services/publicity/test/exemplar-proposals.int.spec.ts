import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import {
  CommendationDecided,
  QuarterPioneerNominated,
  QuarterPioneerSelected,
  deadLetterTopic,
  type EventEnvelope,
} from '@vanguard/contracts';
import { ensureTopics, toKafkaMessage } from '@vanguard/messaging';
import { testProducer, waitUntil, type TestSchema } from '@vanguard/testing';
import { signWithDevelopmentKey, type Principal } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { ExemplarsService } from '../src/application/exemplars.service';
import { HonourRollService } from '../src/application/honour-roll.service';
import {
  COUNTY,
  VILLAGE,
  closeProducer,
  createPublicityTestApp,
  decided,
  envelope,
  kafka,
  produce,
  startAtTheEnd,
} from './support/publicity-test-app';

// Real events on the real commendation and evaluation topics, consumed by the service's own
// consumer into its own schema: a decision becomes one proposal however often it is delivered,
// and an event that is malformed or does not hang together is dead-lettered and never applied.
describe('exemplar proposals from consumed decisions', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let dlqTap: Consumer;
  const deadLettered = new Set<string>();
  const DLQ = deadLetterTopic(CommendationDecided.topic);

  beforeAll(async () => {
    await ensureTopics(kafka, [CommendationDecided.topic]);
    const tapGroup = `publicity-dlq-tap-${randomUUID()}`;
    await startAtTheEnd(tapGroup, [DLQ]);
    dlqTap = kafka.consumer({ groupId: tapGroup, maxWaitTimeInMs: 100 });
    await dlqTap.connect();
    await dlqTap.subscribe({ topic: DLQ, fromBeginning: true }); // pinned above: only a partition without an offset starts at 0
    await dlqTap.run({
      eachMessage: ({ message }) => {
        const id = message.headers?.['vg-event-id']?.toString();
        if (id) deadLettered.add(id);
        return Promise.resolve();
      },
    });
    ({ app, schema } = await createPublicityTestApp('publicity_proposals'));
  });

  afterAll(async () => {
    await app?.close();
    await dlqTap?.disconnect();
    await closeProducer();
    await schema?.drop();
  });

  const exemplarsFrom = async (stream: string) =>
    (
      await schema.pool.query<{ id: string; status: string; name: string | null; story: string }>(
        `select id, status, name, story from exemplars where source_stream = $1`,
        [stream],
      )
    ).rows;

  it('a decided commendation becomes one proposal and one ExemplarProposed, however often it arrives', async () => {
    const event = decided('李秀英');
    await produce(CommendationDecided.topic, event, event);
    const [proposal] = await waitUntil(
      'the proposal',
      async () => {
        const rows = await exemplarsFrom(event.streamId);
        return rows.length > 0 && rows;
      },
      { timeoutMs: 60_000 },
    );
    expect(proposal).toMatchObject({ status: 'proposed', name: '李秀英' });
    // The deeds summary is plain text: stored escaped, so it renders as text.
    expect(proposal!.story).toBe('带领群众发展合作社 &lt;b&gt;三年&lt;/b&gt;');
    // The duplicate is settled once the inbox has the event and nothing more happened.
    const again = decided('李秀英 (later)');
    await produce(CommendationDecided.topic, {
      ...again,
      streamId: event.streamId,
      data: { ...again.data, nominationId: event.data.nominationId },
    });
    await waitUntil(
      'the later copy handled',
      async () => (await schema.pool.query(`select 1 from vanguard_inbox where event_id = $1`, [again.eventId])).rowCount === 1,
      { timeoutMs: 60_000 },
    );
    expect(await exemplarsFrom(event.streamId)).toHaveLength(1);
    const outbox = await schema.pool.query<{ envelope: EventEnvelope<{ exemplarId: string; source: { eventId: string } }> }>(
      `select envelope from vanguard_outbox where event_type = 'publicity.ExemplarProposed'`,
    );
    expect(outbox.rows.map((r) => r.envelope.data)).toEqual([
      expect.objectContaining({ exemplarId: proposal!.id, source: expect.objectContaining({ eventId: event.eventId }) }),
    ]);
  });

  it('refuses a malformed decision and one whose stream is not its own: dead-lettered, never applied', async () => {
    const malformed = decided('伪造甲');
    const badDay = { ...malformed, data: { ...malformed.data, decidedOn: '2026-13-45' } };
    const forged = decided('伪造乙');
    const wrongStream = { ...forged, streamId: `nomination-${randomUUID()}` };
    const honest = decided('赵建国');
    // One key for all three, so they share a partition and the honest one is handled last.
    const key = honest.streamId;
    await produceWithKey(key, badDay, wrongStream, honest);
    await waitUntil('the honest decision applied', async () => (await exemplarsFrom(honest.streamId)).length === 1, { timeoutMs: 60_000 });
    const applied = await schema.pool.query(`select name from commendations where name like '伪造%'`);
    expect(applied.rows).toEqual([]);
    expect(await exemplarsFrom(wrongStream.streamId)).toEqual([]);
    await waitUntil(
      'both refusals on the dead-letter topic',
      () => deadLettered.has(badDay.eventId) && deadLettered.has(wrongStream.eventId),
      { timeoutMs: 60_000 },
    );
  });

  it('a selected quarter pioneer is proposed with the nomination’s deeds and no name, for the editor to supply', async () => {
    const cycleId = randomUUID();
    const stream = `pioneer-${VILLAGE}-${cycleId}`;
    const candidate = { kind: 'member' as const, id: randomUUID() };
    await produce(
      QuarterPioneerSelected.topic,
      envelope(QuarterPioneerNominated.type, stream, { orgId: VILLAGE, cycleId, candidate, deeds: '义务巡河一百天' }),
      envelope(QuarterPioneerSelected.type, stream, {
        orgId: VILLAGE,
        cycleId,
        candidate,
        votesFor: 30,
        votesCast: 41,
        decision: {
          decidedBy: { sub: 'v', role: 'branch_secretary', orgId: VILLAGE },
          inputs: [],
          rule: { id: 'pioneer.selected-by-majority', version: 1 },
          reason: '',
        },
      }),
    );
    const [proposal] = await waitUntil(
      'the pioneer proposal',
      async () => {
        const rows = await exemplarsFrom(stream);
        return rows.length > 0 && rows;
      },
      { timeoutMs: 60_000 },
    );
    expect(proposal).toMatchObject({ status: 'proposed', name: null, story: '义务巡河一百天' });
  });

  it('a branch selected as quarter pioneer is listed under its name from the org-tree copy, and published with it', async () => {
    const township = demoOrgId('910425101');
    const cycleId = randomUUID();
    const stream = `pioneer-${township}-${cycleId}`;
    const candidate = { kind: 'organization' as const, id: VILLAGE };
    await produce(
      QuarterPioneerSelected.topic,
      envelope(QuarterPioneerNominated.type, stream, { orgId: township, cycleId, candidate, deeds: '带头修通进村路' }),
      envelope(QuarterPioneerSelected.type, stream, {
        orgId: township,
        cycleId,
        candidate,
        votesFor: 27,
        votesCast: 35,
        decision: {
          decidedBy: { sub: 't', role: 'organizer', orgId: township },
          inputs: [],
          rule: { id: 'pioneer.selected-by-majority', version: 1 },
          reason: '镇党委会议投票',
        },
      }),
    );
    await waitUntil('the pioneer proposal', async () => (await exemplarsFrom(stream)).length > 0, { timeoutMs: 60_000 });
    // The event names ids only (so does the row); the editor's list shows the branch's name all the same.
    expect((await exemplarsFrom(stream))[0]!.name).toBeNull();
    const editor: Principal = { sub: 'e', username: 'county.editor', roles: ['editor'], orgId: COUNTY, kind: 'user', clientId: undefined };
    const exemplars = app.get(ExemplarsService);
    const listed = (await exemplars.list(editor, 'proposed', 200, 0)).items.find((e) => e.sourceStream === stream);
    expect(listed).toMatchObject({ name: '红石村', orgName: '红石村', subjectKind: 'organization', story: '带头修通进村路' });
    // Accepting needs no name typed in, and the roll shows the branch by name.
    await exemplars.accept(editor, listed!.id);
    const roll = await app.get(HonourRollService).page(200, 0);
    expect(roll.items).toContainEqual(
      expect.objectContaining({ kind: 'exemplar', name: '红石村', orgName: '红石村', category: 'quarter_pioneer' }),
    );
  });

  async function produceWithKey(key: string, ...events: EventEnvelope[]): Promise<void> {
    const producer = testProducer(kafka);
    await producer.connect();
    try {
      await producer.send({
        topic: CommendationDecided.topic,
        messages: events.map((e) => ({ ...toKafkaMessage(signWithDevelopmentKey(e)), key })),
      });
    } finally {
      await producer.disconnect();
    }
  }
});
