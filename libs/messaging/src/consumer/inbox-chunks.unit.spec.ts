import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { ContractRegistry, defineContract, type EventEnvelope } from '@vanguard/contracts';
import { seededRandom } from '@vanguard/testing';
import type { Inbox } from '../inbox/inbox.port';
import type { MessagingLogger } from '../logger';
import type { EnvelopeVerifier } from '../relay/event-signing';
import type { BatchEnvelopeVerifier, EventConsumerOptions } from './consumer-options';
import type { ConsumerOutcomes } from './consumer-outcomes';
import { InboxChunks } from './inbox-chunks';
import type { PartitionTurn } from './partition-turn';

const TOPIC = 'unit.things';
const contract = (name: string) =>
  defineContract({
    context: 'msgtest',
    name,
    version: 1,
    stream: 'thing',
    topic: TOPIC,
    description: 'a test event',
    schema: z.object({ n: z.number().int() }),
  });
const contracts = new ContractRegistry([contract('ThingHappened'), contract('OtherHappened')]);

/** Stands in for @vanguard/auth's EventVerifier: "signed" when metadata.signature is `by-producer`. */
const sync: EnvelopeVerifier = {
  verify: (e) => {
    const s = e.metadata?.['signature'];
    if (s === undefined) return { ok: false, reason: 'unsigned' };
    return s === 'by-producer' ? { ok: true } : { ok: false, reason: 'bad-signature' };
  },
};
/** The same checks, a batch at a time, answered a turn later as a thread pool would. */
const batch: BatchEnvelopeVerifier = {
  verify: () => {
    throw new Error('a batch verifier is asked for the chunk at once');
  },
  verifyAll: async (envelopes) => {
    await new Promise((r) => setImmediate(r));
    return envelopes.map((e) => sync.verify(e));
  },
};

type Kind = 'malformed' | 'invalid' | 'unsigned' | 'forged' | 'good' | 'unhandled';
const KINDS: readonly Kind[] = ['malformed', 'invalid', 'unsigned', 'forged', 'good', 'unhandled'];

function message(kind: Kind, offset: number): KafkaMessage {
  const e: EventEnvelope = {
    eventId: `00000000-0000-4000-8000-${String(offset).padStart(12, '0')}`,
    type: kind === 'unhandled' ? 'msgtest.OtherHappened' : 'msgtest.ThingHappened',
    version: 1,
    streamId: `thing-${offset}`,
    streamVersion: 1,
    occurredAt: '2026-06-28T00:00:00.000Z',
    recordedAt: '2026-06-28T00:00:00.000Z',
    actor: { sub: 'test', roles: [], kind: 'service' },
    orgId: '00000000-0000-4000-8000-000000001301',
    correlationId: '00000000-0000-4000-8000-000000000001',
    causationId: null,
    data: { n: kind === 'invalid' ? 'not a number' : offset },
    metadata: kind === 'unsigned' ? {} : { signature: kind === 'forged' ? 'by-someone-else' : 'by-producer' },
  };
  const value = kind === 'malformed' ? Buffer.from('{ not json') : Buffer.from(JSON.stringify(e));
  return { key: null, value, offset: String(offset), headers: {}, timestamp: '0', attributes: 0 };
}

/** What a chunk did: each dead letter (offset, reason, error), each message handled, each one ignored. */
async function run(verifier: EnvelopeVerifier | BatchEnvelopeVerifier, messages: readonly KafkaMessage[]) {
  const done = { deadLettered: [] as string[][], handled: [] as string[], ignored: 0, resolved: [] as string[] };
  const inbox = {
    processBatch: async (_name, items, effect, finish) => {
      for (const [i, item] of items.entries()) await effect({}, item, i);
      await finish?.({});
      return items.map(() => 'processed' as const);
    },
  } as Pick<Inbox<object>, 'processBatch'> as Inbox<object>;
  const options = {
    contracts,
    inbox,
    verifier,
    handlers: { 'msgtest.ThingHappened': (e: EventEnvelope) => Promise.resolve(void done.handled.push(e.eventId)) },
  } as unknown as EventConsumerOptions<object>;
  const outcomes = {
    deadLetter: (m: KafkaMessage, _origin: unknown, reason: string, error: string) =>
      Promise.resolve(void done.deadLettered.push([m.offset, reason, error])),
    count: (_topic: string, outcome: string) => void (outcome === 'ignored' && done.ignored++),
  } as unknown as ConsumerOutcomes;
  const turn: PartitionTurn = {
    topic: TOPIC,
    partition: 0,
    resolve: (m) => void done.resolved.push(m.offset),
    heartbeat: () => Promise.resolve(),
    isRunning: () => true,
  };
  const log = { warn: () => undefined, error: () => undefined, info: () => undefined } as unknown as MessagingLogger;
  const sut = new InboxChunks(options, 'unit', { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 } as never, outcomes, log);
  expect(await sut.handle(turn, messages)).toBe(true);
  return done;
}

describe(InboxChunks.name, () => {
  it('handle_WithABatchVerifier_DeadLettersAndHandlesExactlyWhatTheOneByOneVerifierDoes', async () => {
    for (let seed = 1; seed <= 80; seed++) {
      const r = seededRandom(seed);
      const kinds = Array.from({ length: 1 + Math.floor(r() * 40) }, () => KINDS[Math.floor(r() * KINDS.length)]!);
      const messages = kinds.map((k, i) => message(k, i));
      const one = await run(sync, messages);
      const all = await run(batch, messages);
      expect({ seed, ...all }).toEqual({ seed, ...one });
      // And what that is: forgeries dead-lettered with the verifier's reason, by their own offset.
      const forged = one.deadLettered.filter(([, reason]) => reason === 'forged');
      expect({ seed, forged }).toEqual({
        seed,
        forged: kinds.flatMap((k, i) =>
          k === 'unsigned' || k === 'forged'
            ? [[String(i), 'forged', `msgtest.ThingHappened not signed by its producer (${k === 'forged' ? 'bad-signature' : 'unsigned'})`]]
            : [],
        ),
      });
      expect({ seed, handled: one.handled }).toEqual({
        seed,
        handled: kinds.flatMap((k, i) => (k === 'good' ? [`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] : [])),
      });
    }
  });
});

/**
 * Good messages through an inbox whose transactions fail with `error` `failures` times (a batch or
 * a single message alike) before they go through; the policy allows one attempt. `running` is
 * asked before each wait, as the consumer's isRunning is.
 */
async function throughFailures(
  failures: number,
  error: unknown,
  running: (waits: number) => boolean = () => true,
  messages: readonly KafkaMessage[] = [message('good', 0), message('good', 1), message('good', 2)],
  failAtCommit = false,
) {
  const done = { deadLettered: [] as string[], handled: [] as string[], attempts: [] as number[], resolved: [] as string[], tries: 0 };
  const fail = async () => {
    await Promise.resolve();
    if (++done.tries <= failures) throw error;
  };
  const inbox: Inbox<object> = {
    processBatch: async (_name, items, effect, finish) => {
      if (!failAtCommit) await fail();
      for (const [i, item] of items.entries()) await effect({}, item, i);
      await finish?.({});
      if (failAtCommit) await fail();
      return items.map(() => 'processed' as const);
    },
    processOnce: async (_name, _event, _origin, effect) => {
      await fail();
      await effect({});
      return 'processed';
    },
  };
  const options = {
    contracts,
    inbox,
    handlers: {
      'msgtest.ThingHappened': (e: EventEnvelope, ctx: { attempt: number }) => {
        done.handled.push(e.eventId);
        done.attempts.push(ctx.attempt);
        return Promise.resolve();
      },
    },
  } as unknown as EventConsumerOptions<object>;
  const outcomes = {
    deadLetter: (m: KafkaMessage) => Promise.resolve(void done.deadLettered.push(m.offset)),
    count: () => undefined,
  } as unknown as ConsumerOutcomes;
  let checks = 0;
  const turn: PartitionTurn = {
    topic: TOPIC,
    partition: 0,
    resolve: (m) => void done.resolved.push(m.offset),
    heartbeat: () => Promise.resolve(),
    isRunning: () => running(checks++),
  };
  const log = { warn: () => undefined, error: () => undefined, info: () => undefined } as unknown as MessagingLogger;
  const sut = new InboxChunks(options, 'unit', { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 }, outcomes, log);
  const finished = await sut.handle(turn, messages);
  return { finished, ...done };
}

describe(`${InboxChunks.name} when the database is unreachable`, () => {
  const ids = [0, 1, 2].map((i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  it.each([
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      'its socket gone',
      Object.assign(new Error('connect ENOENT /var/run/postgresql/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' }),
    ],
    ['53300 too many connections', Object.assign(new Error('too many connections for role "x"'), { code: '53300' })],
    ['25006 read-only after a failover', Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' })],
  ])('handle_When%s_WaitsItOutPastThePolicysAttempts_DeadLetteringNothing_AndHandlesEachOnce', async (_name, error) => {
    const r = await throughFailures(25, error);
    expect(r).toEqual({ finished: true, deadLettered: [], handled: ids, attempts: [1, 1, 1], resolved: ['0', '1', '2'], tries: 26 });
  });

  it('handle_WhenATransactionLosesADeadlock_RetriesItWithoutCountingAnAttempt', async () => {
    const r = await throughFailures(4, Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    expect(r).toEqual({ finished: true, deadLettered: [], handled: ids, attempts: [1, 1, 1], resolved: ['0', '1', '2'], tries: 5 });
  });

  it('handle_WhenTheConsumerStopsDuringTheOutage_GivesUpWithNothingResolvedOrDeadLettered', async () => {
    const r = await throughFailures(Infinity, Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), (checks) => checks < 5);
    expect(r).toMatchObject({ finished: false, deadLettered: [], handled: [], resolved: [] });
  });

  it('handle_WhenAHandlersOwnErrorPersists_StillDeadLettersItAfterThePolicysAttempts', async () => {
    const r = await throughFailures(Infinity, new Error('the toy cannot apply poison'));
    expect(r).toMatchObject({ finished: true, deadLettered: ['0', '1', '2'], handled: [], resolved: ['0', '1', '2'] });
  });

  it('handle_WhenTheConsumerStopsDuringTheOutage_SendsNoDeadLetterOfARejectBehindAWaitingMessage', async () => {
    // Sent up front, the reject's dead letter went out, its offset stayed behind the waiting
    // message's, and the next owner sent it again.
    const chunk = [message('malformed', 0), message('good', 1), message('invalid', 2), message('good', 3)];
    const r = await throughFailures(Infinity, Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), (checks) => checks < 5, chunk);
    expect(r).toMatchObject({ finished: false, deadLettered: [], handled: [], resolved: [] });
  });

  it('handle_WhenTheOutageEnds_SendsEachRejectsDeadLetterOnce_AndResolvesEveryOffset', async () => {
    const chunk = [message('malformed', 0), message('good', 1), message('invalid', 2), message('good', 3)];
    const r = await throughFailures(3, Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), () => true, chunk);
    expect(r).toMatchObject({ finished: true, deadLettered: ['0', '2'], handled: [handledId(1), handledId(3)] });
    expect(r.resolved).toEqual(['0', '1', '2', '3']);
  });

  it('handle_WhenCommitFailsAfterTheDeadLettersWentOut_DoesNotSendThemAgainOnTheRerun', async () => {
    const chunk = [message('good', 0), message('invalid', 1), message('good', 2)];
    const r = await throughFailures(2, Object.assign(new Error('x'), { code: '40001' }), () => true, chunk, true);
    expect(r).toMatchObject({ finished: true, deadLettered: ['1'], resolved: ['0', '1', '2'], tries: 3 });
  });

  it('handle_WhenStoppedAfterAFailedCommitSentTheDeadLetters_ResolvesOnlyWhatIsAheadOfTheFirstHandledMessage', async () => {
    const chunk = [message('invalid', 0), message('unhandled', 1), message('good', 2), message('malformed', 3)];
    const r = await throughFailures(Infinity, Object.assign(new Error('x'), { code: '57P01' }), (checks) => checks < 3, chunk, true);
    // The COMMIT that failed had sent both dead letters: the first is done with, the second waits behind '2'.
    expect(r).toMatchObject({ finished: false, deadLettered: ['0', '3'], resolved: ['0', '1'] });
  });
});

const handledId = (offset: number) => `00000000-0000-4000-8000-${String(offset).padStart(12, '0')}`;
