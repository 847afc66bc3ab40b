import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventEnvelope } from '@vanguard/contracts';
import { createLedTopics } from '@vanguard/testing';
import { CountyClient, PublishFailed } from '../src/county-client';
import { countyClientConfig } from '../src/county-client.config';
import { EXIT, generatedRoster, rosterDrafts } from '../src/county-drafts';

// The CLI and the client against the real Keycloak (tokens) and, where a broker is meant to be
// reachable, the real Kafka, on a topic of the test's own that no service reads.
const ROOT = path.resolve(__dirname, '../../..');
const ORG = '00000000-0000-4000-8000-910425101201';
const sentIds = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as EventEnvelope).eventId);

describe('npm run county against the real stack', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'county-cli-int-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function county(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', path.join(ROOT, 'libs/county-client/src/cli.ts'), ...args],
        { cwd: ROOT, env: { ...process.env, COUNTY_STATE_DIR: dir, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
      );
    });
  }

  it('deeds_BrokerDownAndTheClientGivenAfterTheCommand_ExitsWithAnErrorListingTheUnsentIdOfThatCounty', async () => {
    const run = await county(['deeds', '--client', 'county-hekou', '--org', ORG, '--helper-unit', '县交通局', '--title', '硬化村道'], {
      KAFKA_BROKERS: '127.0.0.1:1',
      COUNTY_KAFKA_BROKERS: '',
    });

    const [id] = sentIds(path.join(dir, 'county-hekou', 'sent.jsonl'));
    expect(run.code).toBe(EXIT.ERROR);
    expect(run.out).toContain(`未确认 ${id}`);
    expect(fs.existsSync(path.join(dir, 'county-songling'))).toBe(false);
  }, 90_000);

  it('deeds_ATruncatedSequencesFile_IsAUsageErrorNamingTheFileAndSendsNothing', async () => {
    fs.mkdirSync(path.join(dir, 'county-songling'));
    const sequences = path.join(dir, 'county-songling', 'sequences.json');
    fs.writeFileSync(sequences, '{"subjects":{"deed-');

    const run = await county(['deeds', '--org', ORG, '--helper-unit', '县交通局', '--title', '硬化村道'], {
      KAFKA_BROKERS: '127.0.0.1:1',
      COUNTY_KAFKA_BROKERS: '',
    });

    expect(run).toMatchObject({ code: EXIT.USAGE, out: expect.stringContaining(`${sequences} 不是有效的 JSON`) });
    expect(fs.existsSync(path.join(dir, 'county-songling', 'sent.jsonl'))).toBe(false);
  }, 60_000);

  it('resend_BrokerDown_ExitsWithAnErrorKeepingTheMessage', async () => {
    const client = new CountyClient(
      countyClientConfig(
        { stateDir: path.join(dir, 'county-songling') },
        { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', COUNTY_KAFKA_BROKERS: '' },
      ),
    );
    const id = randomUUID();
    await client.state.recordSent([
      { eventId: id, type: 'county.DeedRecorded', streamId: 'deed-x', streamVersion: 1 } as unknown as EventEnvelope,
    ]);
    await client.close();

    const run = await county(['resend', id], { KAFKA_BROKERS: '127.0.0.1:1', COUNTY_KAFKA_BROKERS: '' });

    expect(run).toMatchObject({ code: EXIT.ERROR, out: expect.stringContaining(`消息 ${id} 仍记在 sent.jsonl`) });
  }, 90_000);
});

describe(CountyClient.name, () => {
  const topic = `county-client-test.inbound.${randomUUID().slice(0, 8)}`;
  let dir: string;
  let sut: CountyClient;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'county-send-int-'));
    sut = new CountyClient(
      countyClientConfig({ stateDir: dir }, { ...process.env, COUNTY_INBOUND_TOPIC: topic, COUNTY_KAFKA_BROKERS: '' }),
    );
    // One partition taking at most 600 KiB a batch: a thousand roster messages with their tokens
    // are more than that (and near the broker's default 1 MiB; longer names or a larger token pass
    // it), so only the client's byte budget per send (512 KiB) lets a large roster through.
    const admin = sut.kafka.admin();
    await admin.connect();
    await createLedTopics(admin, [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(600 * 1024) }] }]);
    await admin.disconnect();
  });
  afterAll(async () => {
    const admin = sut.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await sut.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('send_InterruptedDuringItsSecondBatch_StopsThereAndNamesTheRestAsUnconfirmed_OnAOnePartitionTopic', async () => {
    const stop = new AbortController();
    const token = sut.tokens.token.bind(sut.tokens);
    let calls = 0;
    // Ctrl-C arrives while the second batch is on its way: identity, then one token per batch.
    sut.tokens.token = () => (++calls === 3 && stop.abort(), token());

    const error = await sut.send(rosterDrafts(generatedRoster(ORG, 2_500)), { signal: stop.signal }).catch((e: unknown) => e);

    sut.tokens.token = token;
    const all = sentIds(path.join(dir, 'sent.jsonl'));
    expect(error).toBeInstanceOf(PublishFailed);
    expect(all).toHaveLength(2_500);
    const unconfirmed = (error as PublishFailed).messageIds;
    expect(unconfirmed.length).toBeGreaterThan(0);
    expect(unconfirmed).toEqual(all.slice(all.length - unconfirmed.length));
    // The broker holds exactly the two batches confirmed before the interruption, nothing named unconfirmed.
    const admin = sut.kafka.admin();
    await admin.connect();
    const held = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    await admin.disconnect();
    expect(held).toBe(all.length - unconfirmed.length);
    // And two batches did go through before the interruption: the topic refuses a batch past 600 KiB.
    expect(held).toBeGreaterThan(0);
  }, 60_000);

  it('send_AlreadyInterrupted_SpendsNoSequenceAndSendsNothing', async () => {
    const stop = new AbortController();
    stop.abort();
    const drafts = rosterDrafts(generatedRoster(ORG, 3));

    await expect(sut.send(drafts, { signal: stop.signal })).rejects.toThrow();

    expect(drafts.map((d) => sut.state.lastSequence(`roster-member-${String(d.data['memberId'])}`))).toEqual([0, 0, 0]);
  });
});
