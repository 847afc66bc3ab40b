import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { signWithDevelopmentKey } from '@vanguard/auth';
import type { EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { createLedTopics, testProducer, waitUntil } from '@vanguard/testing';
import { CountyClient, countyClientConfig, followDecisions, type FollowedDecision, type SkippedRecord } from '../src';

// What `follow` must survive on the real broker (ADR 0108, ADR 0111): a bad record, a state
// record organisation did not sign, a restart with a decision held for an organisation not known
// yet, a decision topic created after the group first started, an onDecision that keeps failing. Every record goes to topics of the test's own (the platform's state topic is
// read by every service, a county's decision topic by its real `follow`), deleted afterwards.

const SONGLING = 'county-songling';
const suite = randomUUID().slice(0, 8);
const platform = new Kafka({ clientId: 'county-follow-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
const topics: string[] = [];
const groups: string[] = [];
let n = 0;
const topic = (what: string) => (topics.push(`county-client-test.${suite}.${what}.${++n}`), topics.at(-1)!);
const group = () => (groups.push(`${SONGLING}.follow.recovery-test.${suite}.${++n}`), groups.at(-1)!);
const now = () => new Date().toISOString();

function envelope(type: string, orgId: string, data: unknown): EventEnvelope {
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    streamId: `recovery-test-${suite}`,
    streamVersion: 1,
    occurredAt: now(),
    recordedAt: now(),
    actor: { sub: 'recovery-test', roles: [] },
    orgId,
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}
const decision = (orgId: string) =>
  signWithDevelopmentKey(
    envelope('evaluation.TierChanged', orgId, { decision: { decidedBy: { role: 'county_organizer' }, reason: suite } }),
  );
const unsignedStateOf = (orgId: string, path: string[] | null) =>
  envelope('organization.OrganizationState', orgId, path && { orgId, path });
/** As organization's publisher sends it: signed with organisation's (development) key. */
const stateOf = (orgId: string, path: string[] | null) => signWithDevelopmentKey(unsignedStateOf(orgId, path));

/** `running`'s outcome, or a failure saying it was still running at the deadline. */
function within<T>(running: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms)));
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

/** One run of `follow` as the county (on the platform's listener: the topics are the test's, not the county's). */
function follow(client: CountyClient, options: { groupId: string; decisionTopic: string; stateTopic: string; history?: boolean }) {
  const shown: FollowedDecision[] = [];
  const skipped: SkippedRecord[] = [];
  const stop = new AbortController();
  let subscribed!: (t: readonly string[]) => void;
  const ready = new Promise<readonly string[]>((r) => (subscribed = r));
  const done = followDecisions(client, {
    ...options,
    allowDevelopmentKey: true, // the test signs with the development key
    onDecision: (d) => void shown.push(d),
    onSkipped: (s) => void skipped.push(s),
    onSubscribed: (t) => subscribed(t),
    signal: stop.signal,
  });
  return {
    shown,
    skipped,
    subscribed: Promise.race([ready, done.then(() => [] as readonly string[])]),
    stop: async () => (stop.abort(), await done),
  };
}

/** Follows again in `options.groupId` until `event` is shown, then stops; what that run showed, in order. */
async function shownOnRestart(
  client: CountyClient,
  options: { groupId: string; decisionTopic: string; stateTopic: string },
  event: { eventId: string },
  what: string,
): Promise<FollowedDecision[]> {
  const run = follow(client, options);
  try {
    await waitUntil(what, () => run.shown.find((d) => d.eventId === event.eventId), { timeoutMs: 30_000 });
    return [...run.shown];
  } finally {
    await run.stop();
  }
}

describe('follow on the real broker', () => {
  let admin: Admin;
  let producer: Producer;
  let client: CountyClient;
  let county: string;
  const publish = (t: string, values: (EventEnvelope | string)[]) =>
    producer.send({ topic: t, messages: values.map((v) => ({ value: typeof v === 'string' ? v : JSON.stringify(v) })) });
  const create = (...ts: string[]) =>
    createLedTopics(
      admin,
      ts.map((t) => ({ topic: t, numPartitions: 1 })),
    );
  const committed = async (groupId: string, t: string) =>
    (await admin.fetchOffsets({ groupId, topics: [t] }))[0]?.partitions.find((p) => p.partition === 0)?.offset;
  const newClient = (stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${SONGLING}-follow-`))) =>
    new CountyClient(countyClientConfig({ clientId: SONGLING, stateDir, kafka: { brokers: infraConfig().kafkaBrokers.join(',') } }));

  beforeAll(async () => {
    admin = platform.admin();
    producer = testProducer(platform);
    await Promise.all([admin.connect(), producer.connect()]);
    client = newClient();
    county = (await client.identity()).countyOrgId;
  });

  afterAll(async () => {
    await client.close();
    fs.rmSync(client.config.stateDir, { recursive: true, force: true });
    await admin.deleteGroups(groups).catch(() => undefined);
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) });
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('reports a malformed or forged record by topic, partition and offset and goes on to show the genuine decisions after it', async () => {
    const [decisions, states] = [topic('decisions'), topic('state')];
    await create(decisions, states);
    const [village, elsewhere] = [randomUUID(), randomUUID()];
    const genuine = decision(county);
    const aboutVillage = decision(village);
    const aboutElsewhere = decision(elsewhere);
    const unsignedPoison = { ...envelope('commendation.CommendationDecided', county, { decision: { reason: 42 } }) };
    // The third would make another county's organisation this county's: nobody signed it.
    await publish(states, [stateOf(village, null), stateOf(village, [county, village]), unsignedStateOf(elsewhere, [county, elsewhere])]);
    await publish(decisions, [
      unsignedPoison,
      '{"eventId":"x","type":"commendation.CommendationDecided"}',
      genuine,
      aboutVillage,
      aboutElsewhere,
    ]);

    const run = follow(client, { groupId: group(), decisionTopic: decisions, stateTopic: states, history: true });
    try {
      await waitUntil('both genuine decisions shown', () => run.shown.length >= 2 && run.shown, { timeoutMs: 30_000 });
      await waitUntil('four records reported', () => run.skipped.length >= 4, { timeoutMs: 10_000 });
      const where = run.skipped.map((s) => `${s.topic}:${s.partition}:${s.offset}`).sort();
      expect(where).toEqual([`${decisions}:0:0`, `${decisions}:0:1`, `${states}:0:0`, `${states}:0:2`].sort());
      expect(run.skipped.find((s) => s.offset === '0' && s.topic === decisions)?.reason).toContain('未签名');
      expect(run.skipped.find((s) => s.offset === '0' && s.topic === states)?.reason).toContain('orgId');
      expect(run.skipped.find((s) => s.offset === '2' && s.topic === states)?.reason).toContain('拒收伪造的组织状态');
      // Every record is handled by now: the decision about the other county's organisation was not shown.
      expect(run.shown.map((d) => d.eventId).sort()).toEqual([genuine.eventId, aboutVillage.eventId].sort());
    } finally {
      await run.stop();
    }
  }, 60_000);

  it('stops with the decision onDecision keeps failing on, commits nothing past it, and shows it on the next run', async () => {
    const [decisions, states, groupId] = [topic('decisions'), topic('state'), group()];
    await create(decisions, states);
    const handled = decision(county);
    const failing = decision(county);
    await publish(decisions, [handled]);
    const calls: string[] = [];
    const stop = new AbortController();
    const run = followDecisions(client, {
      groupId,
      decisionTopic: decisions,
      stateTopic: states,
      history: true,
      allowDevelopmentKey: true,
      decisionAttempts: 3,
      decisionRetryMs: 10,
      onDecision: (d) => {
        calls.push(d.eventId);
        if (d.eventId === failing.eventId) throw new Error('county database down');
      },
      signal: stop.signal,
    });
    try {
      await waitUntil('the first decision’s offset committed', async () => (await committed(groupId, decisions)) === '1', {
        timeoutMs: 30_000,
      });
      await publish(decisions, [failing]);
      const stopped = within(run, 30_000);
      await expect(stopped).rejects.toThrow(new RegExp(`已试 3 次.*${failing.eventId}.*county database down`));
      await expect(stopped).rejects.toThrow(`记录 ${decisions} 分区 0 偏移 1`);
    } finally {
      stop.abort();
      await run.catch(() => undefined);
    }
    expect(calls.filter((id) => id === failing.eventId)).toHaveLength(3);
    expect(await committed(groupId, decisions)).toBe('1');

    const shown = await shownOnRestart(
      client,
      { groupId, decisionTopic: decisions, stateTopic: states },
      failing,
      'the decision follow stopped on, on the next run',
    );
    expect(shown.map((d) => d.eventId)).toEqual([failing.eventId]);
  }, 90_000);

  it('keeps a held decision whose release onDecision keeps failing on, and shows it on the next run', async () => {
    const [decisions, states, groupId] = [topic('decisions'), topic('state'), group()];
    await create(decisions, states);
    const village = randomUUID();
    const held = decision(village);
    await publish(decisions, [held]);
    const stop = new AbortController();
    const run = followDecisions(client, {
      groupId,
      decisionTopic: decisions,
      stateTopic: states,
      history: true,
      allowDevelopmentKey: true,
      decisionAttempts: 2,
      decisionRetryMs: 10,
      onDecision: () => {
        throw new Error('county database down');
      },
      signal: stop.signal,
    });
    try {
      await waitUntil('the held decision’s offset committed', async () => (await committed(groupId, decisions)) === '1', {
        timeoutMs: 30_000,
      });
      // Its release fails: the state record's batch is neither saved nor committed.
      await publish(states, [stateOf(village, [county, village])]);
      // Named with the record that released it: the state record.
      await expect(within(run, 30_000)).rejects.toThrow(new RegExp(`${held.eventId}；记录 ${states} 分区 0 偏移 0`));
    } finally {
      stop.abort();
      await run.catch(() => undefined);
    }
    expect(['-1', undefined]).toContain(await committed(groupId, states));

    await shownOnRestart(client, { groupId, decisionTopic: decisions, stateTopic: states }, held, 'the held decision, on the next run');
  }, 90_000);

  it('shows after a restart a decision held for an organisation whose state arrives only then', async () => {
    const [decisions, states, groupId] = [topic('decisions'), topic('state'), group()];
    await create(decisions, states);
    const village = randomUUID();
    const held = decision(village);
    await publish(decisions, [held]);

    const first = follow(client, { groupId, decisionTopic: decisions, stateTopic: states, history: true });
    try {
      await waitUntil('the held decision’s offset committed', async () => (await committed(groupId, decisions)) === '1', {
        timeoutMs: 30_000,
      });
      expect(first.shown).toEqual([]);
    } finally {
      await first.stop();
    }
    await publish(states, [stateOf(village, [county, village])]);

    await shownOnRestart(
      client,
      { groupId, decisionTopic: decisions, stateTopic: states },
      held,
      'the held decision shown once its village is known',
    );
  }, 90_000);

  it('reads from its beginning a decision topic created after the group first started, so nothing published while it was down is skipped', async () => {
    const [decisions, states, groupId] = [topic('decisions'), topic('state'), group()];
    await create(states);

    const first = follow(client, { groupId, decisionTopic: decisions, stateTopic: states });
    try {
      expect(await first.subscribed).toEqual([states]);
    } finally {
      await first.stop();
    }
    await create(decisions);
    const meanwhile = decision(county);
    await publish(decisions, [meanwhile]);

    await shownOnRestart(
      client,
      { groupId, decisionTopic: decisions, stateTopic: states },
      meanwhile,
      'the decision published while follow was down',
    );
  }, 90_000);

  it('still starts a brand-new group at the decision topic’s end and resumes from there', async () => {
    const [decisions, states, groupId] = [topic('decisions'), topic('state'), group()];
    await create(decisions, states);
    const before = decision(county);
    await publish(decisions, [before]);

    const first = follow(client, { groupId, decisionTopic: decisions, stateTopic: states });
    try {
      await first.subscribed;
      expect(await committed(groupId, decisions)).toBe('1');
    } finally {
      await first.stop();
    }
    const meanwhile = decision(county);
    await publish(decisions, [meanwhile]);

    const shown = await shownOnRestart(
      client,
      { groupId, decisionTopic: decisions, stateTopic: states },
      meanwhile,
      'the decision published while follow was down',
    );
    // One partition, read in order: the earlier decision would have come first.
    expect(shown.map((d) => d.eventId)).toEqual([meanwhile.eventId]);
  }, 90_000);
});
