import { ORGANIZATION_STATE_TOPIC, OrganizationState, countyDecisionTopic, type EventEnvelope } from '@vanguard/contracts';
import type { EventVerifier } from '@vanguard/auth/event-signatures';
import { within } from '@vanguard/messaging/kafka';
import type { EachBatchPayload } from 'kafkajs';
import type { CountyClient } from './county-client';
import {
  checkDecisionSignature,
  decisionVerifier,
  describeDecision,
  describeForged,
  describeForgedState,
  describeSkipped,
  interpretDecision,
  readEnvelope,
  type FollowedDecision,
  type ForgedDecision,
  type SkippedRecord,
} from './county-decision-check';
import { pinNewGroupStart, subscribeWhenThere, watchStop } from './county-replies';
import { CountyOrganizations, HELD_DECISIONS_LIMIT, knownOrganizations, placeShape, StaleState } from './county-organizations';
import { IDLE_FETCH_WAIT_MS } from '@vanguard/kafka-topics';

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
export { CountyOrganizations, HELD_DECISIONS_LIMIT, StaleState, type KnownOrganization } from './county-organizations';

/** How often onDecision is called for one decision before `follow` stops (ADR 0111), and the first pause between. */
export const DECISION_ATTEMPTS = 5;
export const DECISION_RETRY_MS = 1_000;
/**
 * How long one onDecision call may take before `follow` stops with it: under the group's 30 s
 * session (a heartbeat goes before and after each call).
 */
export const DECISION_TIMEOUT_MS = 10_000;

/** Where a record lies. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * onDecision failed for one decision as many times as it may (ADR 0111): `follow` stops with it
 * rather than pass the decision over, and commits no offset of the batch that holds it, so the
 * next run reads it again. `record`: the record being handled (the decision, or the state record
 * that released it). The CLI prints it and exits 1.
 */
export class DecisionNotHandled extends Error {
  constructor(
    readonly decision: FollowedDecision,
    readonly attempts: number,
    cause: unknown,
    readonly record?: RecordPosition,
  ) {
    const where = record ? `；记录 ${record.topic} 分区 ${record.partition} 偏移 ${record.offset}` : '';
    super(
      `决定未能处理（已试 ${attempts} 次），follow 停止，其偏移未提交，重启后从它读起: ${describeDecision(decision)}（事件 ${decision.eventId}${where}）: ` +
        (cause instanceof Error ? cause.message : String(cause)),
      { cause },
    );
    this.name = 'DecisionNotHandled';
  }

  /** The same failure, naming the record that was being handled. */
  at(record: RecordPosition): DecisionNotHandled {
    return new DecisionNotHandled(this.decision, this.attempts, this.cause, record);
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
  /**
   * Called once per decision shown, one call at a time, in order. One that throws is called again
   * (`decisionAttempts` times in all, pausing `decisionRetryMs`, then twice that, …); after the
   * last, `follow` rejects with DecisionNotHandled and commits nothing of that batch (ADR 0111).
   * One that has not returned after `decisionTimeoutMs` is not called again beside itself:
   * `follow` rejects with DecisionNotHandled at once, and the call may still finish afterwards.
   */
  readonly onDecision: (d: FollowedDecision) => void | Promise<void>;
  /** Default DECISION_TIMEOUT_MS; 0, a negative or a non-finite value: no limit. */
  readonly decisionTimeoutMs?: number;
  /** Default DECISION_ATTEMPTS (5: about 15 s of pauses, a heartbeat around each, inside the group's 30 s session). */
  readonly decisionAttempts?: number;
  /** Default DECISION_RETRY_MS. */
  readonly decisionRetryMs?: number;
  readonly signal: AbortSignal;
  /** Which of followedTopics exist and are followed (the others are not yet created). */
  readonly onSubscribed?: (topics: readonly string[]) => void;
  /** The deciding contexts' and organisation's verify keys (decisions and state records); default decisionVerifier() (from the environment). */
  readonly verifier?: EventVerifier;
  /**
   * Without `verifier`: accept the public development keys for a context whose
   * `<CONTEXT>_EVENT_VERIFY_KEYS` is unset (a local platform only); else follow refuses to start.
   */
  readonly allowDevelopmentKey?: boolean;
  /** A decision whose producer did not sign it: not passed to onDecision (default: ignored after the check). */
  readonly onForged?: (f: ForgedDecision) => void | Promise<void>;
  /** Every record passed over (malformed, forged, a state record organisation did not sign), where it lies and why; default a line on stderr. */
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
 * What `follow` does with one record: nothing is read from it before it proved to be an envelope
 * and its producer was found to have signed it (the decision's own context; organisation for a
 * state record, ADR 0111). A state record then extends the tree (and releases the decisions held
 * for it); a decision is interpreted and shown when it is about one of the county's organisations.
 * A forged record is reported, never applied, held or shown. A decision onDecision keeps failing
 * on rejects the record with DecisionNotHandled, after `decisionAttempts` calls.
 */
export class FollowedRecords {
  constructor(
    private readonly orgs: CountyOrganizations,
    private readonly verifier: EventVerifier,
    private readonly on: Pick<FollowOptions, 'onDecision' | 'onForged' | 'decisionAttempts' | 'decisionRetryMs' | 'decisionTimeoutMs'> & {
      readonly signal?: AbortSignal;
    },
    private readonly stateTopic = ORGANIZATION_STATE_TOPIC,
  ) {}

  /**
   * Handles one record of `topic`; answers why it was passed over, if it was. `heartbeat`: the
   * consumer's, called while a failing decision is retried, so its pauses do not cost the group its member.
   */
  async handle(topic: string, value: Buffer | null, heartbeat?: () => Promise<void>): Promise<string | undefined> {
    // A tombstone carries no signature, so it cannot be told from one anybody wrote: nothing is
    // taken from it (ADR 0111). The organisation keeps the place its last signed state gave it.
    if (value === null) return undefined;
    const read = readEnvelope(value);
    if (!read.ok) return read.reason;
    const { envelope } = read;
    if (topic === this.stateTopic) return this.applyState(envelope, heartbeat);
    const signed = checkDecisionSignature(envelope, this.verifier);
    if (!signed.ok) {
      await this.on.onForged?.(signed.forged);
      return describeForged(signed.forged);
    }
    const { decision, malformed } = interpretDecision(envelope);
    if (malformed) return `${malformed}: ${envelope.type} ${envelope.eventId}`;
    const admitted = decision && this.orgs.admit(decision);
    if (admitted) await this.deliver(admitted, heartbeat);
    return undefined;
  }

  // Where an organisation sits decides which decisions the county is shown: only organisation's
  // own signature on an OrganizationState says so, never whoever could write to the topic.
  private async applyState(envelope: EventEnvelope, heartbeat?: () => Promise<void>): Promise<string | undefined> {
    const signed = checkDecisionSignature(envelope, this.verifier);
    if (!signed.ok) return describeForgedState(signed.forged);
    // A signed organisation event of another type (with an orgId and a path) copied onto the topic is no state.
    if (envelope.type !== OrganizationState.type)
      return `组织状态主题上的记录不是 ${OrganizationState.type}: ${envelope.type} ${envelope.eventId}`;
    if (!placeShape.safeParse(envelope.data).success) return `组织状态缺少 orgId / path（${envelope.type} ${envelope.eventId}）`;
    const released = this.orgs.applyState(envelope.data, envelope.streamVersion);
    if (released instanceof StaleState) return released.reason;
    for (const d of released) await this.deliver(d, heartbeat);
    return undefined;
  }

  /** onDecision, called again while it throws, up to `decisionAttempts` calls in all, pausing longer each time. */
  private async deliver(d: FollowedDecision, heartbeat?: () => Promise<void>): Promise<void> {
    const attempts = Math.max(1, this.on.decisionAttempts ?? DECISION_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      try {
        // A handler that never returns would hold `follow` (and the group's partition) for ever.
        await answeredWithin(
          Promise.resolve().then(() => this.on.onDecision(d)),
          this.on.decisionTimeoutMs ?? DECISION_TIMEOUT_MS,
        );
        // Between slow decisions too (a state record may release thousands): the group keeps its member.
        await heartbeat?.();
        return;
      } catch (e) {
        // A call still running is not joined by another for the same decision (a handler that skips
        // an event id it is already handling would report success for work not done): stop here.
        // Asked to stop meanwhile: the decision is not handled either, and is read again on the next run.
        if (e instanceof NoAnswer || attempt >= attempts || this.on.signal?.aborted) throw new DecisionNotHandled(d, attempt, e);
        await heartbeat?.();
        await pause((this.on.decisionRetryMs ?? DECISION_RETRY_MS) * 2 ** (attempt - 1), this.on.signal);
        await heartbeat?.();
      }
    }
  }
}

/** onDecision had not returned within its time. */
class NoAnswer extends Error {
  constructor(ms: number) {
    super(`onDecision 在 ${ms} 毫秒内未返回`);
    this.name = 'NoAnswer';
  }
}

/** `running`'s outcome, or NoAnswer once `ms` passed (no limit unless `ms` is finite and positive). */
function answeredWithin(running: Promise<void>, ms: number): Promise<void> {
  return Number.isFinite(ms) && ms > 0 ? within(running, ms, () => new NoAnswer(ms)) : running;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const ORGANIZATIONS = 'organizations';
const ORGANIZATION_VERSIONS = 'organization-versions';
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
 * read those records again. Rejects with ConsumerStopped when the consumer stops on its own, and
 * with the error of a record it could not handle (DecisionNotHandled when onDecision kept failing),
 * having committed nothing of that record's batch (ADR 0111).
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
    knownOrganizations(state.readDocument<unknown>(ORGANIZATIONS), state.readDocument<unknown>(ORGANIZATION_VERSIONS)),
    {
      held: listIn(state.readDocument<FollowedDecision[]>(HELD)),
      onDropped: (d) => warn(`待定决定超过 ${HELD_DECISIONS_LIMIT} 条，丢弃最早的: ${describeDecision(d)}（事件 ${d.eventId}）`),
    },
  );
  const groupId = options.groupId ?? `${client.clientId}.follow`;
  const topics = followedTopics(client.clientId, options.decisionTopic, options.stateTopic);
  const records = new FollowedRecords(orgs, verifier, options, topics[0]);
  // A record that could not be handled (onDecision failing for good, state that cannot be written):
  // `follow` stops with it (ADR 0111).
  const halt = new AbortController();
  let failure: { error: unknown } | undefined;
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
  const consumer = client.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: IDLE_FETCH_WAIT_MS });
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
        // Stopping: nothing after the failed record is handled, and no offset resolved.
        if (halt.signal.aborted) return void payload.pause();
        const before = orgs.revision;
        let at: string | undefined;
        try {
          for (const m of batch.messages) {
            at = m.offset;
            const skipped = await records.handle(batch.topic, m.value, () => payload.heartbeat());
            if (skipped) onSkipped({ topic: batch.topic, partition: batch.partition, offset: m.offset, reason: skipped });
          }
          // Written before any offset of the batch is resolved: the committed offset never passes a
          // decision held only in memory, nor a state record the saved tree lacks.
          if (orgs.revision !== before) {
            // Versions first: a crash between the two leaves a version ahead of its place, and
            // the state record read again at that version is taken again.
            state.writeDocument(ORGANIZATION_VERSIONS, orgs.versions());
            state.writeDocument(ORGANIZATIONS, orgs.snapshot());
            state.writeDocument(HELD, orgs.heldDecisions());
          }
        } catch (error) {
          // Not thrown to kafkajs, which would hand the batch over again for ever, and after its
          // state records changed the tree in memory (a held decision released there, then lost).
          // Nothing of the batch is written or resolved: the next run reads it all again (ADR 0111).
          const record = { topic: batch.topic, partition: batch.partition, offset: at ?? batch.firstOffset() ?? '?' };
          failure = { error: error instanceof DecisionNotHandled ? error.at(record) : error };
          payload.pause();
          halt.abort();
          return;
        }
        const last = batch.messages.at(-1);
        if (last) payload.resolveOffset(last.offset);
        await payload.heartbeat();
      },
    });
    await stopped.until(AbortSignal.any([options.signal, halt.signal]));
    if (failure) throw failure.error;
  } finally {
    stopped.dispose();
    await consumer.disconnect();
  }
}
