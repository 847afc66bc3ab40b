import { randomInt } from 'node:crypto';
import { ContractRegistry, type EventEnvelope } from '@vanguard/contracts';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { migrateOutbox, OutboxWriter, outboxRowsStatement } from '../src';
import { thingContract, thingEvent } from './support';

// writeBatch's promise: one statement, the rows in the order given (id order is publish order),
// each row's columns those of its own envelope, and the envelope stored as the contract's output.
// The envelopes travel as one JSON array joined to the columns by position (outboxRowsStatement):
// a position off by one would put an envelope under another's id or topic.
describe(`${OutboxWriter.name}.writeBatch`, () => {
  let db: TestSchema;
  const topic = 'msgtest.outbox-batch';
  const writer = new OutboxWriter({ contracts: new ContractRegistry([thingContract(topic)]) });

  beforeAll(async () => {
    db = await createTestSchema('outbox_batch');
    await migrateOutbox(db.pool);
  });
  afterAll(() => db?.drop());

  // Text a JSON array and a Postgres array literal each escape: quotes, backslashes, braces, commas, non-BMP characters.
  const ODD = ['"', '\\', '{', '}', ',', '\\"', '党员', '😀', "'", ' ', 'NULL', '\n', '\u2028'];
  const note = () => Array.from({ length: randomInt(0, 12) }, () => ODD[randomInt(ODD.length)]).join('');

  it('WhenTopicsAndEnvelopesDifferInNumber_RefusesRatherThanDropTheRowsPastTheShorter', () => {
    const events = [thingEvent('short', 1), thingEvent('short', 2)];
    expect(() => outboxRowsStatement('vanguard_outbox', events, [topic])).toThrow('2 envelopes but 1 topics');
  });

  it('WhenBatchesOfAnySizeAreWritten_StoresEachRowFromItsOwnEnvelopeInTheGivenOrder (40 random batches)', async () => {
    for (let round = 0; round < 40; round++) {
      const size = randomInt(1, 300);
      const events: EventEnvelope[] = Array.from({ length: size }, (_, i) =>
        thingEvent(`b${round}-${randomInt(5)}`, i + 1, { n: i, note: note() }),
      );
      const topics = events.map((_, i) => `${topic}.t${(i * 7 + round) % 5}`);
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        await writer.writeBatch(client, events, topics);
        await client.query('commit');
      } finally {
        client.release();
      }
      const { rows } = await db.pool.query<{
        event_id: string;
        stream_id: string;
        topic: string;
        event_type: string;
        envelope: EventEnvelope;
      }>('select event_id, stream_id, topic, event_type, envelope from vanguard_outbox where event_id = any($1::uuid[]) order by id', [
        events.map((e) => e.eventId),
      ]);
      expect(rows.map((r) => r.event_id)).toEqual(events.map((e) => e.eventId));
      expect(rows.map((r) => r.topic)).toEqual(topics);
      expect(rows.map((r) => r.stream_id)).toEqual(events.map((e) => e.streamId));
      expect(rows.map((r) => r.envelope)).toEqual(events);
    }
    // Checked by Postgres itself as well: every row's columns agree with its stored envelope.
    const mismatched = await db.pool.query(
      `select 1 from vanguard_outbox where envelope->>'eventId' <> event_id::text or envelope->>'streamId' <> stream_id or envelope->>'type' <> event_type`,
    );
    expect(mismatched.rowCount).toBe(0);
  });
});
