import { EventEmitter } from 'node:events';
import { KafkaJSProtocolError, type Consumer, type Kafka } from 'kafkajs';
import type { TopicOffsets } from '@vanguard/kafka-topics';
import { ConsumerStopped, describeReply, parseReply, pinNewGroupStart, replyTopicOf, watchStop } from './county-replies';
import { CountyOrganizations, decisionOf } from './county-follow';
import type { EventEnvelope } from '@vanguard/contracts';

describe(parseReply.name, () => {
  it('reads a county.MessageOutcome envelope and ignores anything else', () => {
    const data = {
      messageId: 'm-1',
      messageType: 'county.RosterMemberSynced',
      subject: 'roster-member-x',
      service: 'organization',
      outcome: 'refused',
      code: 'COUNTY.OUT_OF_SCOPE',
      reason: '不在本县范围',
    };

    expect(parseReply(JSON.stringify({ type: 'county.MessageOutcome', data }))).toEqual(data);
    expect(parseReply(JSON.stringify({ type: 'organization.MemberRegistered', data }))).toBeUndefined();
    expect(parseReply('not json')).toBeUndefined();
    expect(parseReply(null)).toBeUndefined();
  });
});

describe(describeReply.name, () => {
  it('says in Chinese what happened, with code and reason, and for a duplicate what happened the first time', () => {
    expect(
      describeReply({
        messageId: 'm-1',
        messageType: 'county.DeedRecorded',
        subject: null,
        service: 'assistance',
        outcome: 'refused',
        code: 'COUNTY.INVALID',
        reason: 'doneOn: invalid',
      }),
    ).toBe('消息 m-1: 被拒绝 [COUNTY.INVALID] 原因: doneOn: invalid （county.DeedRecorded，处理服务: assistance）');
    expect(
      describeReply({
        messageId: 'm-2',
        messageType: 'county.DeedRecorded',
        subject: 'deed-d',
        service: 'assistance',
        outcome: 'duplicate',
        originalOutcome: 'applied',
      }),
    ).toBe('消息 m-2: 重复消息（未再应用） 原结果: 已应用 （county.DeedRecorded，处理服务: assistance）');
  });
});

describe(replyTopicOf.name, () => {
  it('is one topic per county client', () => {
    expect(replyTopicOf('county-hekou')).toBe('vanguard.county.replies.county-hekou.v1');
    expect(() => replyTopicOf('../x')).toThrow();
  });
});

const county = 'c0000000-0000-4000-8000-000000000001';
const [ours, theirs, late, root, other] = ['1', '2', '3', '4', '5'].map((n) => `a0000000-0000-4000-8000-00000000000${n}`) as [
  string,
  string,
  string,
  string,
  string,
];
const decided = (orgId: string): EventEnvelope =>
  ({
    eventId: `e-${orgId}`,
    type: 'evaluation.PledgeRated',
    orgId,
    streamId: 'pledge-p',
    occurredAt: '2026-11-30T00:00:00Z',
    data: { decision: { reason: '按期兑现', decidedBy: { role: 'organizer' } } },
  }) as unknown as EventEnvelope;

describe(CountyOrganizations.name, () => {
  it('admits decisions about organisations below the county, holds unknown ones until their state arrives, drops the others', () => {
    const sut = new CountyOrganizations(county);
    sut.applyState({ orgId: ours, path: [root, county, ours] }, 1);
    sut.applyState({ orgId: theirs, path: [root, other, theirs] }, 1);

    expect(sut.admit(decisionOf(decided(ours))!)).toMatchObject({ label: '评诺结果', reason: '按期兑现', decidedBy: 'organizer' });
    expect(sut.admit(decisionOf(decided(theirs))!)).toBeUndefined();
    expect(sut.admit(decisionOf(decided(late))!)).toBeUndefined();
    expect(sut.applyState({ orgId: late, path: [root, county, late] }, 2)).toEqual([expect.objectContaining({ orgId: late })]);
    expect(sut.snapshot()).toEqual({ [ours]: true, [theirs]: false, [late]: true });
  });

  it('is not fooled by events without a decision', () => {
    expect(decisionOf({ ...decided(ours), data: { pledgeId: 'p' } })).toBeUndefined();
  });
});

/**
 * Emits kafkajs's consumer events in kafkajs's order (consumer/index.js: a crash stops and
 * disconnects the consumer, then emits CRASH); only `on` and `events` are what watchStop uses.
 */
function consumerEvents() {
  const events = { STOP: 'consumer.stop', DISCONNECT: 'consumer.disconnect', CRASH: 'consumer.crash' } as const;
  const emitter = new EventEmitter();
  const consumer = {
    events,
    on: (name: string, listener: (e: unknown) => void) => (emitter.on(name, listener), () => void emitter.off(name, listener)),
  } as unknown as Consumer;
  const stopAndDisconnect = () => (emitter.emit(events.STOP, {}), emitter.emit(events.DISCONNECT, {}));
  const crash = async (restart: boolean) => {
    stopAndDisconnect();
    await Promise.resolve(); // kafkajs awaits its disconnect before it emits CRASH
    emitter.emit(events.CRASH, {
      payload: { error: Object.assign(new Error('Not authorized to access group'), { type: 'GROUP_AUTHORIZATION_FAILED' }), restart },
    });
  };
  return { consumer, crash, stopAndDisconnect, listeners: () => emitter.eventNames().length };
}
const nextTurn = () => new Promise((r) => setImmediate(r));

describe(watchStop.name, () => {
  it('fails with the error of a crash kafkajs will not restart from', async () => {
    const { consumer, crash } = consumerEvents();
    const sut = watchStop(consumer, 'county-songling.replies');
    const waiting = sut.until(new AbortController().signal);

    await crash(false);

    await expect(waiting).rejects.toThrow(ConsumerStopped);
    await expect(waiting).rejects.toThrow(/county-songling\.replies.*Not authorized to access group \[GROUP_AUTHORIZATION_FAILED\]/);
  });

  it('fails when the consumer stops without a crash and without being asked', async () => {
    const { consumer, stopAndDisconnect } = consumerEvents();
    const sut = watchStop(consumer, 'g');
    const waiting = sut.until(new AbortController().signal);

    stopAndDisconnect();

    await expect(waiting).rejects.toThrow(/消费组 g 的消费者已停止: 未经要求而停止/);
  });

  it('keeps waiting through a crash kafkajs restarts from, until the signal aborts; disposed, it hears nothing more', async () => {
    const { consumer, crash, listeners } = consumerEvents();
    const sut = watchStop(consumer, 'g');
    const stop = new AbortController();
    let settled = false;
    const waiting = sut.until(stop.signal).finally(() => (settled = true));

    await crash(true);
    await nextTurn();
    expect(settled).toBe(false);
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();

    sut.dispose();
    expect(listeners()).toBe(0);
  });
});

describe(pinNewGroupStart.name, () => {
  // kafkajs builds it from the broker's error code; its typings take an Error or a string.
  const loading = () =>
    new KafkaJSProtocolError({
      type: 'COORDINATOR_LOAD_IN_PROGRESS',
      code: 14,
      retriable: true,
      name: 'KafkaJSProtocolError',
      message: "The coordinator is loading and hence can't process requests for this group",
    } as unknown as Error);

  /** A broker whose group coordinator is still loading for the first `loadingFor` offset requests. */
  function brokerJustStarted(loadingFor: number) {
    const calls = { fetchOffsets: 0, setOffsets: [] as unknown[] };
    const admin = {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchOffsets: () =>
        ++calls.fetchOffsets <= loadingFor
          ? Promise.reject(loading())
          : Promise.resolve([{ topic: 'd', partitions: [{ partition: 0, offset: '-1' }] }]),
      fetchTopicOffsets: () => Promise.resolve([{ partition: 0, offset: '7', high: '7', low: '0' }]),
    };
    const commit = (_kafka: Kafka, groupId: string, offsets: readonly TopicOffsets[]) => (
      calls.setOffsets.push({ groupId, offsets }),
      Promise.resolve()
    );
    return { kafka: { admin: () => admin } as unknown as Kafka, calls, commit };
  }

  it('waits out a group coordinator still loading after the broker started, then pins the new group at the end', async () => {
    const { kafka, calls, commit } = brokerJustStarted(2);

    await pinNewGroupStart(kafka, 'county-songling.follow', ['d'], { toEnd: ['d'], known: false }, commit);

    expect(calls.fetchOffsets).toBe(3);
    expect(calls.setOffsets).toEqual([
      { groupId: 'county-songling.follow', offsets: [{ topic: 'd', partitions: [{ partition: 0, offset: '7' }] }] },
    ]);
  });
});
