import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ORGANIZATION_STATE_TOPIC, countyDecisionTopic, countyReplyTopic } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { CountyClient, consumeReplies, countyClientConfig, followDecisions } from '../src';

// A consumer kafkajs gives up on (here: a group outside the county's ACL prefix, on the SASL
// listener: kafkajs reports it as KafkaJSGroupCoordinatorNotFound) is reported only as a CRASH event. `replies` and `follow` must fail with it (the CLI
// then exits 1 naming the error), never wait for ever or let the process end with 0 (ADR 0108).

const SONGLING = 'county-songling';
const suite = randomUUID().slice(0, 8);

/** `running`'s outcome, or a failure saying it was still running at the deadline. */
function within<T>(running: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms)));
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

describe('a county consumer the broker refuses', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${SONGLING}-crash-`));
  let songling: CountyClient;

  beforeAll(async () => {
    const platform = new Kafka({ clientId: 'county-crash-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
    // The platform creates these when it starts; a fresh broker may not have them yet. Nothing is written to them.
    await ensureTopics(platform, [countyReplyTopic(SONGLING), countyDecisionTopic(SONGLING), ORGANIZATION_STATE_TOPIC]);
    songling = new CountyClient(countyClientConfig({ clientId: SONGLING, stateDir, kafka: { saslMechanism: 'scram-sha-512' } }));
  });

  afterAll(async () => {
    await songling.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('makes `replies` fail with the broker’s refusal when its group is not the county’s', async () => {
    const stop = new AbortController();
    const reading = consumeReplies(songling, { groupId: `not-my-prefix.${suite}`, onReply: () => undefined, signal: stop.signal });
    try {
      await expect(within(reading, 30_000)).rejects.toThrow(/消费组 not-my-prefix\.\S+ 的消费者已停止: .*本县只可用以本县 client id/);
    } finally {
      stop.abort();
      await reading.catch(() => undefined);
    }
  }, 45_000);

  it('makes `follow` fail with the broker’s refusal when a group it followed in before is refused now', async () => {
    const groupId = `not-my-prefix.follow.${suite}`;
    // The county followed in this group before (its state directory says so), so `follow` goes
    // straight to joining it: the refusal comes from the running consumer, not from a set-up call.
    songling.state.writeDocument('follow-groups', [groupId]);
    const stop = new AbortController();
    const following = followDecisions(songling, {
      groupId,
      allowDevelopmentKey: true,
      onDecision: () => undefined,
      signal: stop.signal,
    });
    try {
      await expect(within(following, 30_000)).rejects.toThrow(/消费组 not-my-prefix\.\S+ 的消费者已停止: .*本县只可用以本县 client id/);
    } finally {
      stop.abort();
      await following.catch(() => undefined);
    }
  }, 45_000);
});
