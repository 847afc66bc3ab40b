import { ORGANIZATION_STATE_TOPIC, OrganizationState, countyDecisionTopic } from '@vanguard/contracts';
import type { EventVerifier } from '@vanguard/auth';
import type { EachBatchPayload } from 'kafkajs';
import type { CountyClient } from './county-client';
import {
  checkDecisionSignature,
  decisionVerifier,
  describeDecision,
  describeForged,
  describeSkipped,
  interpretDecision,
  readEnvelope,
  type FollowedDecision,
  type ForgedDecision,
  type SkippedRecord,
} from './county-decision-check';
import { pinNewGroupStart, subscribeWhenThere, watchStop } from './county-replies';

/**
 * The topics a county follows: the organisation state (compacted: read from the beginning it is
 * the whole tree, so the county learns which organisations are its own; no persons in it) and its
 * own decision topic, where the platform copies evaluation's and commendation's decisions about
 * its organisations. The contexts' events topics name every county's members: a county's ACLs
 * do not let it read them (ADR 0062).
 */
export function followedTopics(
  clientId: string,
  decisionTopic = countyDecisionTopic(clientId),
  stateTopic = ORGANIZATION_STATE_TOPIC,
): readonly [string, string] {
  return [stateTopic, decisionTopic];
}

// Re-exported: the CLI and the library's users import them from here.
export { decisionOf, describeDecision, interpretDecision, type FollowedDecision } from './county-decision-check';

// Where an organisation sits is all `follow` reads of its state.
const placeShape = OrganizationState.schema.pick({ orgId: true, path: true });

/** Held decisions kept at most (ADR 0108): the oldest is dropped, with a warning, beyond it. */
export const HELD_DECISIONS_LIMIT = 10_000;

/**
 * Which organisations are the county's: pure, fed with organisation state records. An
 * organisation is the county's when the county organisation is on its path; a state record that
 * moves it elsewhere removes it. Decisions about an organisation not (yet) known are held until
 * its state arrives (the state and events topics are read side by side, not in one order); the
 * held ones are part of what `follow` keeps between runs, since their offsets are committed.
 */
export class CountyOrganizations {
  private readonly held: FollowedDecision[];
  private readonly limit: number;
  private readonly onDropped: (d: FollowedDecision) => void;
  private changes = 0;

  constructor(
    readonly countyOrgId: string,
    private readonly known: Map<string, boolean> = new Map(),
    options: { held?: readonly FollowedDecision[]; limit?: number; onDropped?: (d: FollowedDecision) => void } = {},
  ) {
    this.held = [...(options.held ?? [])];
    this.limit = options.limit ?? HELD_DECISIONS_LIMIT;
    this.onDropped = options.onDropped ?? (() => undefined);
  }

  /** Grows whenever what must be kept between runs (known organisations, held decisions) changed. */
  get revision(): number {
    return this.changes;
  }

  /** Applies one OrganizationState's data (anything else is no state); returns the held decisions it releases. */
  applyState(data: unknown): FollowedDecision[] {
    const place = placeShape.safeParse(data);
    if (!place.success) return [];
    const { orgId, path } = place.data;
    const ours = orgId === this.countyOrgId || path.includes(this.countyOrgId);
    this.known.set(orgId, ours);
    const released = this.held.filter((d) => d.orgId === orgId);
    if (released.length > 0) this.held.splice(0, this.held.length, ...this.held.filter((d) => d.orgId !== orgId));
    this.changes++;
    return ours ? released : [];
  }

  /** The decision if it is the county's, `undefined` if not or not yet known (then held). */
  admit(d: FollowedDecision): FollowedDecision | undefined {
    if (d.orgId === this.countyOrgId) return d;
    const ours = this.known.get(d.orgId);
    if (ours !== undefined) return ours ? d : undefined;
    // A batch read again after a crash brings the same decision twice.
    if (this.held.some((h) => h.eventId === d.eventId)) return undefined;
    this.held.push(d);
    if (this.held.length > this.limit) this.onDropped(this.held.shift()!);
    this.changes++;
    return undefined;
  }

  snapshot(): Record<string, boolean> {
    return Object.fromEntries(this.known);
  }

  /** The decisions held, oldest first. */
  heldDecisions(): readonly FollowedDecision[] {
    return [...this.held];
  }
}

export interface FollowOptions {
  /** Default `<clientId>.follow`. */
  readonly groupId?: string;
  /**
   * Default `vanguard.county.decisions.<clientId>.v1`. Another topic is for tests: they put their
   * made-up decisions on a topic of their own, never on the county's real one (kept 30 days,
   * read by the county's real `follow`, which would show them as made).
   */
  readonly decisionTopic?: string;
  /** A new group reads past decisions too (default: from when it first starts). */
  readonly history?: boolean;
  readonly onDecision: (d: FollowedDecision) => void | Promise<void>;
  readonly signal: AbortSignal;
  /** Which of followedTopics exist and are followed (the others are not yet created). */
  readonly onSubscribed?: (topics: readonly string[]) => void;
  /** The deciding contexts' verify keys; default decisionVerifier() (from the environment). */
  readonly verifier?: EventVerifier;
  /**
   * Without `verifier`: accept the public development keys for a context whose
   * `<CONTEXT>_EVENT_VERIFY_KEYS` is unset (a local platform only); else follow refuses to start.
   */
  readonly allowDevelopmentKey?: boolean;
  /** A decision whose producer did not sign it: not passed to onDecision (default: ignored after the check). */
  readonly onForged?: (f: ForgedDecision) => void | Promise<void>;
  /** Every record passed over (malformed, forged), where it lies and why; default a line on stderr. */
  readonly onSkipped?: (s: SkippedRecord) => void;
  /** Held decisions dropped because too many were held; default a line on stderr. */
  readonly onWarning?: (message: string) => void;
  /**
   * Default `vanguard.organization.organization-state.v1`. Another topic is for tests: the
   * organisations they make up must not reach the platform's compacted topic, which every service reads.
   */
  readonly stateTopic?: string;
}

/**
 * What `follow` does with one record: nothing is read from it before it proved to be an envelope;
 * a state record extends the tree (and releases the decisions held for it); a decision is
 * interpreted only after its own context's producer was found to have signed it (a forged one is
 * reported, never held or shown) and shown when it is about one of the county's organisations.
 */
export class FollowedRecords {
  constructor(
    private readonly orgs: CountyOrganizations,
    private readonly verifier: EventVerifier,
    private readonly on: Pick<FollowOptions, 'onDecision' | 'onForged'>,
    private readonly stateTopic = ORGANIZATION_STATE_TOPIC,
  ) {}

  /** Handles one record of `topic`; answers why it was passed over, if it was. */
  async handle(topic: string, value: Buffer | null): Promise<string | undefined> {
    // A tombstone: compaction's deletion of an organisation that no longer exists, nothing to apply.
    if (value === null) return undefined;
    const read = readEnvelope(value);
    if (!read.ok) return read.reason;
    const { envelope } = read;
    if (topic === this.stateTopic) {
      if (!placeShape.safeParse(envelope.data).success) return `组织状态缺少 orgId / path（${envelope.type} ${envelope.eventId}）`;
      for (const d of this.orgs.applyState(envelope.data)) await this.on.onDecision(d);
      return undefined;
    }
    const signed = checkDecisionSignature(envelope, this.verifier);
    if (!signed.ok) {
      await this.on.onForged?.(signed.forged);
      return describeForged(signed.forged);
    }
    const { decision, malformed } = interpretDecision(envelope);
    if (malformed) return `${malformed}: ${envelope.type} ${envelope.eventId}`;
    const admitted = decision && this.orgs.admit(decision);
    if (admitted) await this.on.onDecision(admitted);
    return undefined;
  }
}

const ORGANIZATIONS = 'organizations';
const HELD = 'held-decisions';
const STARTED_GROUPS = 'follow-groups';
const toStderr = (line: string) => void process.stderr.write(`${line}\n`);
// A document edited by hand into something else is read as empty rather than stopping `follow`.
const listIn = <T>(document: T[] | undefined): T[] => (Array.isArray(document) ? document : []);

/**
 * Follows the public topics in the county's own consumer group until `signal` aborts. A new
 * group starts at the beginning (bootstrap from the compacted state topic, then the events);
 * an existing one resumes from its committed offsets, so a county that was offline catches up
 * with what was published meanwhile. The organisations learnt and the decisions held are kept
 * in the state directory before a batch's offsets are committed, since a resumed group does not
 * read those records again. Rejects with ConsumerStopped when the consumer stops on its own.
 */
export async function followDecisions(client: CountyClient, options: FollowOptions): Promise<void> {
  // Refuses before connecting anything when a context's keys are the development ones.
  const verifier = options.verifier ?? decisionVerifier(process.env, { allowDevelopmentKey: options.allowDevelopmentKey === true });
  const onSkipped = options.onSkipped ?? ((s: SkippedRecord) => toStderr(describeSkipped(s)));
  const warn = options.onWarning ?? toStderr;
  const { countyOrgId } = await client.identity();
  const { state } = client;
  const orgs = new CountyOrganizations(
    countyOrgId,
    new Map(Object.entries(state.readDocument<Record<string, boolean>>(ORGANIZATIONS) ?? {})),
    {
      held: listIn(state.readDocument<FollowedDecision[]>(HELD)),
      onDropped: (d) => warn(`待定决定超过 ${HELD_DECISIONS_LIMIT} 条，丢弃最早的: ${describeDecision(d)}（事件 ${d.eventId}）`),
    },
  );
  const groupId = options.groupId ?? `${client.clientId}.follow`;
  const topics = followedTopics(client.clientId, options.decisionTopic, options.stateTopic);
  const records = new FollowedRecords(orgs, verifier, options, topics[0]);
  const admin = client.kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
  const started = listIn(state.readDocument<string[]>(STARTED_GROUPS));
  await pinNewGroupStart(
    client.kafka,
    groupId,
    topics.filter((t) => existing.has(t)),
    { toEnd: options.history ? [] : topics.slice(1), known: started.includes(groupId) },
  );
  // From now on a decision topic without a committed offset is one that appeared later: read whole.
  if (!started.includes(groupId)) state.writeDocument(STARTED_GROUPS, [...started, groupId]);
  const consumer = client.kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const stopped = watchStop(consumer, groupId);
  await consumer.connect();
  try {
    const subscribed = await subscribeWhenThere(client.kafka, consumer, topics, true, options.signal);
    options.onSubscribed?.(subscribed);
    if (options.signal.aborted) return;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        const before = orgs.revision;
        for (const m of batch.messages) {
          const skipped = await records.handle(batch.topic, m.value);
          if (skipped) onSkipped({ topic: batch.topic, partition: batch.partition, offset: m.offset, reason: skipped });
        }
        // Written before any offset of the batch is resolved: the committed offset never passes a
        // decision held only in memory, nor a state record the saved tree lacks.
        if (orgs.revision !== before) {
          state.writeDocument(ORGANIZATIONS, orgs.snapshot());
          state.writeDocument(HELD, orgs.heldDecisions());
        }
        const last = batch.messages.at(-1);
        if (last) payload.resolveOffset(last.offset);
        await payload.heartbeat();
      },
    });
    await stopped.until(options.signal);
  } finally {
    stopped.dispose();
    await consumer.disconnect();
  }
}
