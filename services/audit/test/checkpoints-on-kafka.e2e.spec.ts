import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel, type Consumer } from 'kafkajs';
import { Pool } from 'pg';
import request from 'supertest';
import { EventSigner, EventVerifier, developmentEventKey } from '@vanguard/auth';
import { AUDIT_CHECKPOINT_TOPIC, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { createReadOnlyRole, migrate as migrateStore, PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testProducer, testTopicPrefix, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { toKafkaMessage } from '@vanguard/messaging';
import {
  NoteError,
  developmentLogSigner,
  developmentWitnessSigner,
  openPublishedCheckpoint,
  splitNote,
  witnessPolicyFromEnv,
} from '@vanguard/transparency-log';
import type { AuditConfig } from '../src/audit.config';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { ensureCheckpointTopic } from '../src/infrastructure/checkpoint-relay.runner';
import { createAuditTestApp } from './support/audit-test-app';
import { putCheckpointRecords, withBrokenCosignature, witnessedNote } from './support/checkpoint-forgeries';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const ROOT = path.resolve(__dirname, '../../..');
const ORIGIN = 'vanguard.example/evaluation';
const context = {
  actor: { sub: 'user-1', roles: ['organizer'], kind: 'user' as const },
  orgId: 'org-1',
  correlationId: 'cp-kafka',
  causationId: null,
};

interface CheckpointData {
  log: string;
  origin: string;
  treeSize: number;
  rootHash: string;
  note: string;
  cosignedBy?: string[];
}
type TopicRecord = { key: string; value: string; envelope: EventEnvelope<CheckpointData> };

/**
 * The audit service's checkpoints on Kafka (issue 12, ADR 0063), on the real broker, on a topic of
 * this suite's own made as `vanguard.audit.checkpoints.v1` is (kept for ever; deleted after): the
 * platform's topic is never written to — a shared broker's permanent history, read by the counties,
 * gets no test records nor the forgeries below. Auditing a store of its own: taken on demand, each is on the topic signed
 * with audit's event key, its note verifying under the log's published key and equal to what
 * the HTTP API answers; a quorum of witnesses adds one witnessed event; a restart republishes
 * nothing differently; a tampered note is refused.
 */
describe('signed checkpoints on Kafka (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication;
  let store: PostgresEventStore;
  let supervisor: string;
  let auditor: string;
  let consumer: Consumer;
  const admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
  const kafka = new Kafka({ clientId: 'audit-checkpoints-e2e', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const records: TopicRecord[] = [];
  const verifier = EventVerifier.forContexts(['audit', 'evaluation'], {});
  const logKey = developmentLogSigner(ORIGIN).verifier;
  const topic = `${testTopicPrefix('audit-checkpoints')}.${AUDIT_CHECKPOINT_TOPIC}`;
  let version = 0;
  let stream = '';
  let overrides: Partial<AuditConfig> = {};

  const grow = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) => ({ type: 'test.Recorded', data: { n: version + i + 1 } }));
    await store.append('ledger-on-kafka', events, { expectedVersion: version === 0 ? 'no_stream' : version, context });
    version += n;
  };
  const http = () => request(audit.getHttpServer());
  const publishNow = () => http().post('/witness/evaluation/publish').set('Authorization', `Bearer ${supervisor}`).expect(200);
  /** On demand, once the log has read `size` events (they pass the safe horizon as other suites' transactions end). */
  const publishAt = (size: number) =>
    waitUntil(
      `a checkpoint of size ${size}`,
      async () => {
        const res = await publishNow();
        return res.body.size === size ? (res.body as { checkpoint: string; size: number; root: string }) : undefined;
      },
      PAST_THE_HORIZON,
    );
  const onTopic = (type: string, size: number) =>
    waitUntil(`${type} of size ${size} on ${topic}`, () =>
      records.find((r) => r.envelope.type === type && r.envelope.data.treeSize === size),
    );
  /** The auditors' command, as they run it (`npm run audit -- checkpoints …`), against the topic and this app. */
  const cli = (args: string[], store = db.schema) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      const url = `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
      execFile(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          'services/audit/src/cli/audit-cli.ts',
          'checkpoints',
          'evaluation',
          '--store',
          store,
          '--topic',
          topic,
          ...args,
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...{ AUDIT_URL: url, VANGUARD_TOKEN: auditor, VANGUARD_LOG_VKEY: '', AUDIT_EVENT_VERIFY_KEYS: '' },
            ...{ VANGUARD_WITNESS_KEYS: '', VANGUARD_WITNESS_QUORUM: '', VANGUARD_CHECKPOINT_TOPIC: '' },
          },
        },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
  const startAudit = async () => {
    audit = await createAuditTestApp(overrides);
    await audit.listen(0, '127.0.0.1');
  };

  beforeAll(async () => {
    db = await createTestSchema('cpkafka');
    stream = `checkpoint-${db.schema}`;
    await migrateStore(admin, { schema: db.schema });
    await createReadOnlyRole(admin, {
      schema: db.schema,
      role: AUDIT_READER_ROLE,
      password: process.env['VG_SERVICE_DB_PASSWORD'] ?? 'vanguard-dev',
    });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    overrides = {
      schemas: { evaluation: db.schema, commendation: db.schema },
      witnessPolicy: witnessPolicyFromEnv({}),
      checkpointRelay: true,
      checkpointTopic: topic,
    };
    supervisor = await tokenFor('province.audit_supervisor');
    auditor = await tokenFor('province.auditor');
    await startAudit();
    // The app creates the topic (kept for ever) before its relay starts, without holding up its boot: made here for the reader too.
    await ensureCheckpointTopic(kafka, topic);
    consumer = kafka.consumer({ groupId: `audit-checkpoints-e2e-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key?.toString('utf8') ?? '';
        const value = message.value?.toString('utf8') ?? '';
        if (key === stream) records.push({ key, value, envelope: JSON.parse(value) as EventEnvelope<CheckpointData> });
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await audit?.close();
    const kadmin = kafka.admin();
    await kadmin.connect();
    await kadmin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).finally(() => kadmin.disconnect());
    if (db) {
      await admin.query(`delete from audit.vanguard_outbox where stream_id = $1`, [stream]);
      for (const t of ['checkpoint_cosignatures', 'log_checkpoints'])
        await admin.query(`delete from audit.${t} where store = $1`, [db.schema]);
    }
    await db?.drop();
    await admin.end();
  });

  it('aCheckpointTakenOnDemand_IsOnTheTopicSigned_AndEqualToTheOneTheApiServes', async () => {
    await grow(3);
    const taken = await publishAt(3);

    const { envelope } = await onTopic('audit.CheckpointSigned', 3);
    expect(verifier.verify(envelope)).toEqual({ ok: true, kid: 'audit-dev-1' });
    expect(openPublishedCheckpoint(envelope.data, [logKey]).body.size).toBe(3);
    const served = (await http().get('/witness/evaluation/checkpoint').expect(200)).body as typeof taken;
    expect(envelope.data).toEqual({ log: 'evaluation', origin: ORIGIN, treeSize: 3, rootHash: taken.root, note: taken.checkpoint });
    expect(served).toEqual(taken);
    expect(envelope.streamVersion).toBe(3);

    // History: kept for ever, not compacted.
    const kadmin = kafka.admin();
    await kadmin.connect();
    const { resources } = await kadmin
      .describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] })
      .finally(() => kadmin.disconnect());
    const config = new Map(resources[0]!.configEntries.map((c) => [c.configName, c.configValue]));
    expect({ retention: config.get('retention.ms'), cleanup: config.get('cleanup.policy') }).toEqual({
      retention: '-1',
      cleanup: 'delete',
    });
  });

  it('aTamperedNote_IsRefusedByTheEventVerifierAndByTheNoteVerifier', async () => {
    const { envelope } = await onTopic('audit.CheckpointSigned', 3);
    const lines = envelope.data.note.split('\n');
    lines[1] = '4'; // a bigger tree than the log signed
    const tampered = { ...envelope, data: { ...envelope.data, treeSize: 4, note: lines.join('\n') } };

    expect(verifier.verify(tampered)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(() => openPublishedCheckpoint(tampered.data, [logKey])).toThrow(NoteError);
    // Re-signed by whoever holds another context's key: refused as not audit's.
    const forged = new EventSigner('audit', developmentEventKey('evaluation'), 'evaluation-dev-1').sign(tampered);
    expect(verifier.verify(forged)).toEqual({ ok: false, reason: 'other-context' });
  });

  it('aQuorumOfWitnesses_PutsOneWitnessedEventOnTheTopic_TheNoteTheApiServes', async () => {
    const note = (await http().get('/witness/evaluation/checkpoint').expect(200)).body.checkpoint as string;
    const cosign = (county: string) =>
      http()
        .post('/witness/evaluation/cosignatures')
        .send({ checkpoint: note + developmentWitnessSigner(county).cosign(splitNote(note).body, Math.floor(Date.now() / 1000)) })
        .expect(200);
    await cosign('county-songling');
    expect((await cosign('county-hekou')).body).toMatchObject({ witnessed: true, quorum: 2 });
    const servedThen = (await http().get('/witness/evaluation/witnessed').expect(200)).body as { checkpoint: string };
    await cosign('county-third');

    const { envelope } = await onTopic('audit.CheckpointWitnessed', 3);
    expect(verifier.verify(envelope)).toEqual({ ok: true, kid: 'audit-dev-1' });
    expect(openPublishedCheckpoint(envelope.data, [logKey]).body.size).toBe(3);
    expect(envelope.data.note).toBe(servedThen.checkpoint);
    expect(envelope.data.cosignedBy).toHaveLength(2);
    // The third cosignature stays on the HTTP route: one witnessed event per checkpoint.
    const { rows } = await admin.query(`select 1 from audit.vanguard_outbox where stream_id = $1 and event_type = $2`, [
      stream,
      'audit.CheckpointWitnessed',
    ]);
    expect(rows).toHaveLength(1);
  });

  it('aRestart_RepublishesOldCheckpointsOnlyAsTheyWere', async () => {
    await grow(2);
    await publishAt(5);
    await onTopic('audit.CheckpointSigned', 5);
    await audit.close();
    // As if the relay had died between Kafka's ack and stamping its rows, and as if size 5 had
    // been published before the outbox existed: the restarted service sends them again.
    await admin.query(`update audit.vanguard_outbox set published_at = null where stream_id = $1`, [stream]);
    await admin.query(
      `delete from audit.vanguard_outbox where stream_id = $1 and event_type = 'audit.CheckpointSigned' and (envelope->'data'->>'treeSize')::int = 5`,
      [stream],
    );
    const idsBefore = new Set(records.map((r) => r.envelope.eventId));
    const copies = () => {
      const byId = new Map<string, string[]>();
      for (const r of records) byId.set(r.envelope.eventId, [...(byId.get(r.envelope.eventId) ?? []), r.value]);
      return byId;
    };
    await startAudit();
    await publishNow(); // the same size again: nothing new
    await waitUntil('every event on the topic again', () => [...copies().values()].every((v) => v.length >= 2));

    const byId = copies();
    // Each event on the topic again, byte for byte as before (signature included) ...
    for (const [id, values] of byId) expect({ id, values: new Set(values).size }).toEqual({ id, values: 1 });
    // ... no other id for a checkpoint already out, and one event per size and kind.
    expect(new Set(byId.keys())).toEqual(idsBefore);
    const kinds = new Set(records.map((r) => `${r.envelope.type}@${r.envelope.data.treeSize}`));
    expect(kinds.size).toBe(byId.size);
    expect([...kinds]).toEqual(
      expect.arrayContaining(['audit.CheckpointSigned@3', 'audit.CheckpointSigned@5', 'audit.CheckpointWitnessed@3']),
    );
  });

  it('theAuditorsCommand_ChecksTheTopicsHistory_AndRefusesATamperedRecord', async () => {
    const ok = await cli(['--allow-development-key']);
    expect(ok).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /of vanguard\.example\/evaluation on the topic, sizes \d+…5, 1 witnessed \(each by at least 2 of the 3 pinned/,
      ),
    });

    // A record put on the topic by someone else: the size-3 checkpoint claiming another root.
    const { envelope } = await onTopic('audit.CheckpointSigned', 3);
    const lines = envelope.data.note.split('\n');
    lines[2] = Buffer.alloc(32, 1).toString('base64');
    const forged = { ...envelope, eventId: randomUUID(), data: { ...envelope.data, rootHash: lines[2], note: lines.join('\n') } };
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [toKafkaMessage(forged)] }).finally(() => producer.disconnect());
    await waitUntil('the forged record read back', () => records.some((r) => r.envelope.eventId === forged.eventId));

    const refused = await cli(['--allow-development-key']);
    expect(refused).toMatchObject({
      code: 3,
      stdout: expect.stringMatching(/PROOF FAILED[\s\S]*not signed by the audit service \(bad-signature\)/),
    });
  });

  it('theAuditorsCommand_RefusesAWitnessedRecordBelowTheQuorum_ClaimingAWitness_OrWithAnotherRootBeforeTheSignedOne', async () => {
    // Each history under a key of its own: the signed size-3 event as published, and a witnessed
    // one the old command counted without checking its cosignatures or comparing its root.
    const signed = (await onTopic('audit.CheckpointSigned', 3)).envelope;
    const real = (await onTopic('audit.CheckpointWitnessed', 3)).envelope;
    const put = (store: string, ...events: EventEnvelope[]) => putCheckpointRecords(kafka, topic, `${db.schema}-${store}`, events);
    // One of its two cosignatures broken: one valid, the quorum is two (cosignedBy still names both).
    await put('badcosig', signed, { ...real, data: { ...real.data, note: withBrokenCosignature(real.data.note, 1) } });
    // A quorum of valid cosignatures, but cosignedBy names a third witness that did not cosign.
    const third = developmentWitnessSigner('county-third').verifier.name;
    await put('claimed', signed, { ...real, data: { ...real.data, cosignedBy: [...real.data.cosignedBy!, third] } });
    // Size 3 with another root, log-signed and cosigned by a quorum, put BEFORE the signed record of size 3.
    const otherRoot = Buffer.alloc(32, 7).toString('base64');
    const forkNote = witnessedNote(ORIGIN, 3, otherRoot, ['county-songling', 'county-hekou']);
    await put('fork', { ...real, data: { ...real.data, rootHash: otherRoot, note: forkNote } }, signed);

    // All three checked at once (each run is mostly its consumer joining a group).
    const [belowQuorum, claimed, forked] = await Promise.all(
      ['badcosig', 'claimed', 'fork'].map((store) => cli(['--allow-development-key'], `${db.schema}-${store}`)),
    );
    expect({ belowQuorum, claimed, forked }).toMatchObject({
      belowQuorum: {
        code: 3,
        stdout: expect.stringMatching(/PROOF FAILED[\s\S]*1 valid cosignature\(s\) of the 3 pinned witnesses, the quorum is 2/),
      },
      claimed: {
        code: 3,
        stdout: expect.stringMatching(/PROOF FAILED[\s\S]*cosignedBy names \S+county-third without a valid cosignature/),
      },
      forked: { code: 3, stdout: expect.stringMatching(/PROOF FAILED[\s\S]*two roots at size 3: a fork/) },
    });
  });

  it('aCheckpointTakenWhileKafkaIsUnreachable_ReachesTheTopicOnceItIs', async () => {
    await audit.close();
    const brokers = overrides.kafkaBrokers ?? infraConfig().kafkaBrokers;
    overrides = { ...overrides, kafkaBrokers: ['127.0.0.1:1'] }; // nothing listens there
    await startAudit(); // its boot does not wait for the broker
    await grow(2);
    const taken = await publishAt(7);
    const waiting = `select published_at from audit.vanguard_outbox where stream_id = $1 and (envelope->'data'->>'treeSize')::int = 7`;
    expect((await admin.query(waiting, [stream])).rows).toEqual([{ published_at: null }]);

    await audit.close();
    overrides = { ...overrides, kafkaBrokers: brokers };
    await startAudit();
    const { envelope } = await onTopic('audit.CheckpointSigned', 7);
    expect(envelope.data.note).toBe(taken.checkpoint);
    expect(verifier.verify(envelope)).toEqual({ ok: true, kid: 'audit-dev-1' });
  });
});
