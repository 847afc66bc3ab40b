import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { ENVELOPE_HEADERS, contextTopic, countyDecisionTopic, type EventEnvelope } from '@vanguard/contracts';
import { ensureTopics, headerValue, silentLogger, type EnvelopeVerifier, type MessagingLogger } from '@vanguard/messaging';
import type { CountyScope } from './county-inbound.port';
import { IDLE_FETCH_WAIT_MS } from '@vanguard/kafka-topics';

// A county may read no context's events topic (ADR 0062): evaluation's and commendation's carry
// every county's members by name (nominees, public notices, benchmark targets, self-assessments).
// What a county follows is the decisions about its own organisations, so the platform copies
// exactly those onto the county's own topic, which its ACLs let it read and no other county —
// with the organisation facts, ids only, its roster acts on: a member transferred into one of
// its organisations (it names him by his platform id from then on), and a member made full
// (转正, ADR 0155: its next sync states him full, or is refused). The links its roster syncs
// make it learns from its replies (`result.memberId`), so organisation.CountyMemberLinked stays out.

/** The topics the feed reads: the deciding contexts' and organisation's (for ORGANIZATION_FACTS). */
export const COUNTY_DECISION_SOURCE_TOPICS: readonly string[] = [
  contextTopic('evaluation'),
  contextTopic('commendation'),
  contextTopic('organization'),
];

/** Organisation events a county gets about its organisations: ids only (their contracts carry no name). */
export const ORGANIZATION_FACTS: readonly string[] = ['organization.MemberTransferred', 'organization.MemberBecameFull'];

/** As long as the events topics they are copied from keep them (docs/county-integration.md). */
export const COUNTY_DECISION_TOPIC_CONFIG = { 'retention.ms': String(30 * 24 * 3600 * 1000) } as const;

export interface CountyFeedTarget {
  readonly clientId: string;
  /** The county organisation (its service account's `org_id`). */
  readonly countyOrgId: string;
}

/**
 * Pure: the organisation a record is about when a county gets it — the envelope's `orgId` (for
 * MemberTransferred the receiving organisation) of an evaluation or commendation event whose data
 * records a `decision`, or of one of ORGANIZATION_FACTS — else undefined. Every other organisation
 * event (names: MemberJoined, ContactPointEstablished) is skipped by its type header, unparsed.
 * The value is only read here; it is copied unchanged, so the producer's signature still verifies.
 */
export function decisionOrgOf(value: Buffer | null, typeHeader?: string): string | undefined {
  if (!value || (typeHeader?.startsWith('organization.') && !ORGANIZATION_FACTS.includes(typeHeader))) return undefined;
  try {
    const e = JSON.parse(value.toString('utf8')) as { type?: unknown; orgId?: unknown; data?: { decision?: unknown } | null };
    if (typeof e.orgId !== 'string' || typeof e.type !== 'string') return undefined;
    if (e.type.startsWith('organization.')) return ORGANIZATION_FACTS.includes(e.type) ? e.orgId : undefined;
    return e.data && typeof e.data === 'object' && e.data.decision ? e.orgId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the record is an envelope its own context's producer signed (ADR 0059). Anyone who can
 * write to a source topic could otherwise put a decision on a county's topic, which the county
 * would see arrive from the platform; its client verifies too, but its other readers need not.
 */
export function signedByItsProducer(value: Buffer | null, verifier: EnvelopeVerifier): boolean {
  if (!value) return false;
  try {
    return verifier.verify(JSON.parse(value.toString('utf8')) as EventEnvelope).ok;
  } catch {
    return false;
  }
}

/** The counties a decision about `orgId` goes to: those with the organisation inside them. */
export async function countiesOf(orgId: string, counties: readonly CountyFeedTarget[], within: CountyScope): Promise<CountyFeedTarget[]> {
  const inside = await Promise.all(counties.map((c) => Promise.resolve(within(c.countyOrgId, orgId))));
  return counties.filter((_, i) => inside[i]);
}

export interface CountyDecisionFeedOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly counties: readonly CountyFeedTarget[];
  /** Whether an organisation is inside a county: the owner of the tree answers (organization). */
  readonly within: CountyScope;
  /** Whose signatures count: evaluation's, commendation's and organisation's producers'. */
  readonly verifier: EnvelopeVerifier;
  readonly sourceTopics?: readonly string[];
  /** Default countyDecisionTopic. */
  readonly topicOf?: (clientId: string) => string;
  readonly logger?: MessagingLogger;
  /**
   * The consumer gave up (the broker away past kafkajs's retries, or an error it does not retry).
   * Given, kafkajs does not restart the consumer on a timer of its own, out of `stop()`'s reach
   * (such a restart went on joining after a service had shut down); the owner restarts the feed.
   */
  readonly onCrash?: (error: Error) => void;
  /** The consumer's session timeout (kafkajs default 30 s): how long a crashed member, gone without leaving, holds up the group's next join. */
  readonly sessionTimeoutMs?: number;
}

/**
 * Copies each decision of the source topics onto the decision topic of every county it is about,
 * key, value and headers unchanged, when its producer signed it (a forgery goes nowhere). At
 * least once: a batch's offsets are committed after its copies are acknowledged, so a crash
 * repeats copies and a county keys decisions by event id.
 * A new group reads from the beginning, so a county can read past decisions (`follow --history`);
 * a county added after the group first ran gets decisions from the group's position on (ADR 0062).
 */
export class CountyDecisionFeed {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  /** Moved by every stop: a start that began before it sees it changed. */
  private generation = 0;
  private readonly topicOf: (clientId: string) => string;
  private readonly log: MessagingLogger;

  constructor(private readonly options: CountyDecisionFeedOptions) {
    this.topicOf = options.topicOf ?? countyDecisionTopic;
    this.log = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    const generation = this.generation;
    const { kafka, counties } = this.options;
    const sources = this.options.sourceTopics ?? COUNTY_DECISION_SOURCE_TOPICS;
    const targets = counties.map((c) => this.topicOf(c.clientId));
    await ensureTopics(kafka, [...sources, ...targets], {
      configs: Object.fromEntries(targets.map((t) => [t, COUNTY_DECISION_TOPIC_CONFIG])),
    });
    // Stopped while the topics were made: nothing was connected, nothing is to be.
    if (generation !== this.generation) throw new Error('county decision feed stopped while starting');
    // Idempotent, one request in flight, as the relay's: a batch to several county topics that half
    // fails is retried whole, and a plain producer would write the half that succeeded twice, or
    // out of order.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.producer = producer;
    const { onCrash } = this.options;
    const consumer = kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: IDLE_FETCH_WAIT_MS,
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
      ...(onCrash ? { retry: { restartOnFailure: () => Promise.resolve(false) } } : {}),
    });
    this.consumer = consumer;
    if (onCrash) consumer.on(consumer.events.CRASH, (e) => onCrash(e.payload.error));
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...sources], fromBeginning: true });
      await consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.copy(payload) });
    } finally {
      // A stop that came while this start was under way disconnected what was connected then; the
      // join went on and connected again (the group coordinator) after it. Nobody else holds these
      // two any more, so they are disconnected here, or they would outlive the service.
      if (generation !== this.generation) await disconnectAll(consumer, producer).catch(() => undefined);
    }
    if (generation !== this.generation) throw new Error('county decision feed stopped while starting');
    this.log.info({ groupId: this.options.groupId, counties: counties.map((c) => c.clientId) }, 'county decision feed started');
  }

  private async copy(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // All of a batch's questions at once: the tree's owner answers the misses of one tick in one read.
    const routes = await Promise.all(
      batch.messages.map(async (m) => {
        const orgId = decisionOrgOf(m.value, headerValue(m.headers, ENVELOPE_HEADERS.type));
        if (orgId && !signedByItsProducer(m.value, this.options.verifier)) {
          this.log.warn(
            { topic: batch.topic, partition: batch.partition, offset: m.offset },
            'not signed by its producer: not copied to any county',
          );
          return { m, counties: [] };
        }
        return { m, counties: orgId ? await countiesOf(orgId, this.options.counties, this.options.within) : [] };
      }),
    );
    const byTopic = new Map<string, Message[]>();
    for (const { m, counties } of routes)
      for (const county of counties) {
        const topic = this.topicOf(county.clientId);
        const copies = byTopic.get(topic) ?? [];
        copies.push(verbatim(m));
        byTopic.set(topic, copies);
      }
    if (!payload.isRunning() || payload.isStale()) return;
    if (byTopic.size > 0)
      await this.producer!.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    const last = batch.messages.at(-1);
    if (last) payload.resolveOffset(last.offset);
    await payload.heartbeat();
  }

  /** Disconnects what the last start connected (or is connecting); a later start begins afresh. */
  async stop(): Promise<void> {
    this.generation++;
    const { consumer, producer } = this;
    this.consumer = undefined;
    this.producer = undefined;
    await disconnectAll(consumer, producer);
  }
}

/** Both, even when one fails (a consumer's disconnect can reject with the broker gone): the first error after both were tried. */
async function disconnectAll(consumer: Consumer | undefined, producer: Producer | undefined): Promise<void> {
  const outcomes = await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

function verbatim(m: KafkaMessage): Message {
  return { key: m.key, value: m.value, timestamp: m.timestamp, ...(m.headers ? { headers: m.headers } : {}) };
}
