import type { Kafka, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  COUNTY_INBOUND_TOPIC,
  countyMessageOwner,
  countyMessageTypesOf,
  countyReplyTopic,
  type ContractRegistry,
  type EventEnvelope,
} from '@vanguard/contracts';
import {
  DEFAULT_RETRY_POLICY,
  EventConsumer,
  InfrastructureUnavailable,
  PermanentHandlerError,
  isInfrastructureError,
  OutboxWriter,
  counter,
  decodeKafkaValue,
  silentLogger,
  type ChunkContext,
  type DeadLetterReason,
  type Inbox,
  type MessagingLogger,
  type OutboxTableOptions,
  type RetryPolicy,
} from '@vanguard/messaging';
import type { CountyBatchHandler, CountyMessage, CountyMessageOwner, CountyScope, CountySender } from './county-inbound.port';
import type { CountyInboundStore } from './county-inbound.store';
import { CountyLedger, decisionKey } from './county-ledger';
import { duplicateOf, runInOrder, toNewDecision, type Checked, type Decision } from './county-batch';
import { ensureCountyTopics } from './county-topics';
import { CountyRetention, type CountyRetentionOptions, type PruneResult } from './county-retention';
import { bearerToken, claimedClient, countySenderOf, senderMismatch, type CountyPrincipal } from './gate/sender';
import { orgIdsIn, payloadSha256 } from './gate/payload';
import { replyEnvelope, type ReplyOutcome, type ReplyTo } from './gate/reply';

export interface CountyInboundConsumerOptions<TTx> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly owner: CountyMessageOwner;
  /** libs/auth TokenVerifier (its allowedClients must include the county clients). */
  readonly tokenVerifier: { verifyAt(token: string, at: Date): Promise<CountyPrincipal> };
  /** Keycloak client ids of the county systems (`county-songling`, …): their reply topics exist. */
  readonly knownCounties: readonly string[];
  /** Must hold the county inbound contracts and county.MessageOutcome (publicContracts does). */
  readonly contracts: ContractRegistry;
  readonly scope: CountyScope;
  /** One per county type this owner applies (countyMessageTypesOf(owner)). */
  readonly handlers: Readonly<Record<string, CountyBatchHandler<TTx>>>;
  readonly store: CountyInboundStore<TTx>;
  /** Where county_messages / county_subjects live; defaults to the connection's search_path. */
  readonly schema?: string;
  /** The service's outbox, which carries the replies. */
  readonly outbox?: OutboxTableOptions;
  readonly topic?: string;
  /** Messages of one partition decided in one transaction; default 500. */
  readonly batchSize?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly fromBeginning?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  readonly maxWaitTimeInMs?: number;
  /** Create the inbound topic (LogAppendTime) and the counties' reply topics on start; default true. */
  readonly ensureTopics?: boolean;
  /** `vanguard_county_messages_total{owner,type,outcome,code}` and the consumer's own metrics. */
  readonly metrics?: Registry;
  readonly logger?: MessagingLogger;
  readonly now?: () => Date;
  /** How long county_messages remembers a message id (county-retention.ts); `false`: for ever. */
  readonly retention?: CountyRetentionOptions | false;
}

const UNUSED_INBOX: Inbox<never> = {
  processOnce: () => Promise.reject(new Error('the county gate keeps its own ledger')),
  processBatch: () => Promise.reject(new Error('the county gate keeps its own ledger')),
};

/**
 * The gate of the county inbound topic for one owning service (COUNTY.md steps 1–7, ADR 0044):
 * proves each message's sender from its token at the broker's timestamp, validates it, keeps it
 * inside the sender's county, answers resends and stale sequences from its ledger, runs the
 * owner's batch handlers, and writes ledger rows and replies in the handler's transaction.
 */
export class CountyInboundConsumer<TTx> {
  private readonly consumer: EventConsumer<never>;
  private readonly ledger: CountyLedger;
  private readonly replies: OutboxWriter;
  private readonly known: ReadonlySet<string>;
  private readonly log: MessagingLogger;
  private readonly counted;
  private readonly topic: string;
  private readonly retention: CountyRetention<TTx> | undefined;

  constructor(private readonly options: CountyInboundConsumerOptions<TTx>) {
    this.topic = options.topic ?? COUNTY_INBOUND_TOPIC;
    this.known = new Set(options.knownCounties);
    this.log = options.logger ?? silentLogger;
    this.ledger = new CountyLedger(options.schema);
    this.replies = new OutboxWriter({ contracts: options.contracts, ...options.outbox });
    const missing = countyMessageTypesOf(options.owner).filter((t) => !options.handlers[t]);
    if (missing.length) this.log.warn({ owner: options.owner, missing }, 'county types without a handler are refused COUNTY.UNSUPPORTED');
    const metrics = options.metrics ?? new Registry();
    this.counted = counter(metrics, 'vanguard_county_messages_total', 'County inbound messages by what the gate answered', [
      'owner',
      'type',
      'outcome',
      'code',
    ]);
    this.consumer = new EventConsumer<never>({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: [this.topic],
      contracts: options.contracts,
      inbox: UNUSED_INBOX,
      handlers: {},
      metrics,
      logger: this.log,
      fromBeginning: options.fromBeginning ?? true,
      transactionBatchSize: options.batchSize ?? 500,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.partitionsConsumedConcurrently ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently } : {}),
      ...(options.maxWaitTimeInMs ? { maxWaitTimeInMs: options.maxWaitTimeInMs } : {}),
      ...(options.now ? { now: options.now } : {}),
      chunkProcessor: (ctx) => this.process(ctx),
    });
    this.retention =
      options.retention === false
        ? undefined
        : new CountyRetention(options.store, { ...options.retention, schema: options.schema }, () => this.now(), this.log);
  }

  async start(): Promise<void> {
    if (this.options.ensureTopics ?? true) {
      const { inboundRetentionMs: kept } = await ensureCountyTopics(this.options.kafka, this.options.knownCounties, {
        inboundTopic: this.topic,
      });
      // A message still in the topic after its id was forgotten would be judged again on a replay.
      if (this.retention && kept !== undefined && (kept < 0 || kept >= this.retention.window))
        this.log.warn(
          { topic: this.topic, retentionMs: kept, windowMs: this.retention.window },
          'the inbound topic keeps messages longer than the gate remembers their ids: a replay from old offsets would judge them again',
        );
    }
    await this.consumer.start();
    this.retention?.start();
  }

  async stop(): Promise<void> {
    await this.retention?.stop();
    await this.consumer.stop();
  }

  /** Forgets the message ids older than the idempotency window now (also done hourly while started). */
  pruneExpired(): Promise<PruneResult> {
    if (!this.retention) return Promise.resolve({ deleted: 0, batches: 0 });
    return this.retention.prune();
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** One partition's consecutive messages: checks, then one transaction for the whole chunk. */
  private async process(ctx: ChunkContext): Promise<void> {
    const checked: Checked[] = [];
    // Dead letters wait for the chunk's decision: an attempt that rolls back (a handler threw,
    // the chunk is retried or split) sends none, so each message is dead-lettered once.
    const letters: DeadLetter[] = [];
    for (const m of ctx.messages) {
      const c = await this.check(m, ctx.partition, letters);
      if (c) checked.push(c);
    }
    if (checked.length === 0) return this.send(ctx, letters);
    let answered: { to: ReplyTo; outcome: ReplyOutcome }[];
    try {
      answered = await this.decide(ctx, checked, letters);
    } catch (e) {
      // The database down is no verdict on the messages: the consumer waits it out (no refusal, no DLQ).
      if (e instanceof InfrastructureUnavailable) throw e;
      if (isInfrastructureError(e)) throw new InfrastructureUnavailable(`the ${this.options.owner} database is unreachable`, { cause: e });
      // The last try at a single message (the consumer split the failing chunk): record and
      // answer the failure, so the county is told, and dead-letter it for an operator.
      const last =
        ctx.attempt >= (this.options.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts) || e instanceof PermanentHandlerError;
      if (ctx.messages.length !== 1 || !last) throw e;
      const reason = `the ${this.options.owner} service could not apply it: ${e instanceof Error ? e.message : String(e)}`;
      answered = await this.decide(ctx, checked, [...letters, { m: ctx.messages[0]!, reason: 'handler-failed', error: reason }], reason);
    }
    for (const a of answered) {
      const code = a.outcome.outcome === 'refused' ? a.outcome.code : a.outcome.outcome === 'duplicate' ? (a.outcome.code ?? '') : '';
      this.counted.inc({ owner: this.options.owner, type: a.to.messageType, outcome: a.outcome.outcome, code });
    }
  }

  /**
   * Steps 5–7 in one transaction; `failure`: answer the handler's messages COUNTY.HANDLER_FAILED
   * instead of running it. The dead letters (`fromChecks` and those of the contract check) are
   * sent last, when everything else succeeded and only COMMIT remains.
   */
  private decide(
    ctx: ChunkContext,
    checked: readonly Checked[],
    fromChecks: readonly DeadLetter[],
    failure?: string,
  ): Promise<{ to: ReplyTo; outcome: ReplyOutcome }[]> {
    return this.options.store.transaction(async (tx, q) => {
      const letters = [...fromChecks];
      const candidates = checked.filter((c): c is Extract<Checked, { kind: 'candidate' }> => c.kind === 'candidate');
      // A runnable message's subject is its key (admit checks it is the streamId): read them all up front.
      const { decided: before, last } = await this.ledger.read(
        q,
        candidates.map((c) => ({ clientId: c.sender.clientId, messageId: c.to.messageId })),
        candidates.flatMap((c) => (c.to.subject === null ? [] : [{ clientId: c.sender.clientId, subject: c.to.subject }])),
      );
      const decisions: Decision[] = [];
      const inBatch = new Map<string, Decision>();
      const runnable: { decision: Decision; message: CountyMessage }[] = [];
      const replies: { to: ReplyTo; outcome: () => ReplyOutcome }[] = [];
      for (const c of checked) {
        if (c.kind === 'reply') {
          replies.push({ to: c.to, outcome: () => c.outcome });
          continue;
        }
        const key = decisionKey(c.sender.clientId, c.to.messageId);
        const seen = inBatch.get(key) ?? before.get(key);
        if (seen) {
          const seenHash = 'payloadSha256' in seen ? seen.payloadSha256 : seen.hash;
          if (seenHash !== c.hash) {
            const reason = 'this message id was used before for another payload; a new message needs a new id';
            replies.push({ to: c.to, outcome: () => ({ outcome: 'refused', code: 'COUNTY.MESSAGE_ID_REUSED', reason }) });
          } else {
            const original = 'payloadSha256' in seen ? { outcome: seen.outcome, code: seen.code, reason: seen.reason } : seen;
            replies.push({ to: c.to, outcome: () => duplicateOf(original) });
          }
          continue;
        }
        const d: Decision = { to: c.to, clientId: c.sender.clientId, hash: c.hash, sequence: null };
        inBatch.set(key, d);
        decisions.push(d);
        replies.push({ to: c.to, outcome: () => d.outcome! });
        const message = await this.admit(c, d, letters);
        if (message) runnable.push({ decision: d, message });
      }
      const advanced = await runInOrder(this.options.handlers, last, tx, runnable, failure);
      await this.ledger.record(q, decisions.map(toNewDecision), advanced);
      const answers = replies.map((r) => ({ to: r.to, outcome: r.outcome() }));
      const now = this.now();
      await this.replies.writeBatch(
        { query: (sql, params) => q(sql, params) },
        answers.map((a) => replyEnvelope(this.options.owner, a.to, a.outcome, now)),
        answers.map((a) => countyReplyTopic(a.to.clientId)),
      );
      await this.send(ctx, letters);
      return answers;
    });
  }

  /**
   * Sends the chunk's dead letters (acks from all replicas). Only a failure after this and before
   * the commit (COMMIT refused, the process killed) brings the chunk back and sends them again:
   * the repeat carries the same vg-dlq-original-topic/partition/offset, which name a dead letter.
   */
  private async send(ctx: ChunkContext, letters: readonly DeadLetter[]): Promise<void> {
    try {
      await Promise.all(letters.map((l) => ctx.deadLetter(l.m, l.reason, l.error)));
    } catch (e) {
      // Kafka not taking the dead letters is no verdict on the messages: the chunk waits and is
      // retried, instead of a last attempt dead-lettering one again as the handler's failure.
      throw new InfrastructureUnavailable('the dead-letter topic could not be written', { cause: e });
    }
    for (const l of letters)
      if (l.unanswered)
        this.counted.inc({ owner: this.options.owner, type: l.unanswered, outcome: 'dead_lettered', code: 'COUNTY.UNAUTHENTICATED' });
  }

  /**
   * Steps 1–2 for one message, before any database work: undecodable or another owner's
   * (ignored, or dead-lettered by organization), and the sender proven from its token at the
   * broker's timestamp. Returns nothing for a message that gets no reply.
   */
  private async check(m: KafkaMessage, partition: number, letters: DeadLetter[]): Promise<Checked | undefined> {
    const decoded = decodeKafkaValue(m);
    const raw = decoded.ok && isRecord(decoded.value) ? decoded.value : undefined;
    const type = typeof raw?.['type'] === 'string' ? raw['type'] : undefined;
    if (countyMessageOwner(type) !== this.options.owner) return undefined;
    const eventId = raw?.['eventId'];
    const messageId = typeof eventId === 'string' && eventId.length > 0 && eventId.length <= 200 ? eventId : undefined;
    const key = m.key?.toString('utf8');
    const subject = key ?? (typeof raw?.['streamId'] === 'string' ? raw['streamId'] : null);
    const token = bearerToken(m.headers);
    const proven = await this.prove(token, m.timestamp);
    // A reply must itself be a valid county.MessageOutcome, whatever the message held: a type
    // the contract would refuse (empty) is answered as `unknown`, never left to fail the outbox.
    const messageType = type !== undefined && type.length > 0 ? type : 'unknown';
    const base = { messageId: messageId ?? `kafka-${partition}-${m.offset}`, messageType, subject };
    if ('refusal' in proven) {
      const claimed = claimedClient(token);
      // Only a token whose signature held (refused for its times alone) proves who sent it; any
      // other refusal names a client the sender merely claims, and answering there would let one
      // county write refusals of its own making onto another county's reply topic.
      if (!proven.signed || !claimed.clientId || !this.known.has(claimed.clientId) || !claimed.orgId) {
        letters.push({ m, reason: 'unauthenticated', error: proven.refusal, unanswered: base.messageType });
        return undefined;
      }
      letters.push({ m, reason: 'unauthenticated', error: proven.refusal });
      const to = { ...base, clientId: claimed.clientId, countyOrgId: claimed.orgId };
      return { kind: 'reply', to, outcome: { outcome: 'refused', code: 'COUNTY.UNAUTHENTICATED', reason: proven.refusal } };
    }
    const to = { ...base, clientId: proven.clientId, countyOrgId: proven.countyOrgId };
    if (!raw || !messageId) {
      const reason = decoded.ok ? 'the value is not an envelope with an eventId' : decoded.message;
      letters.push({ m, reason: decoded.ok ? 'malformed-envelope' : 'malformed-json', error: reason });
      return { kind: 'reply', to, outcome: { outcome: 'refused', code: 'COUNTY.INVALID', reason } };
    }
    return { kind: 'candidate', m, raw, sender: proven, to, hash: payloadSha256(raw) };
  }

  private async prove(token: string | undefined, timestamp: string): Promise<CountySender | { refusal: string; signed: boolean }> {
    if (!token) return { refusal: 'no bearer token in the authorization header', signed: false };
    // LogAppendTime on the inbound topic: the broker's receipt time, which a county cannot choose.
    const at = new Date(Number(timestamp));
    try {
      const sender = countySenderOf(await this.options.tokenVerifier.verifyAt(token, at), this.known);
      return 'refusal' in sender ? { ...sender, signed: false } : sender;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // Keycloak's keys unreachable: nothing is known of the token, so nobody is refused — the
      // chunk waits and is tried again, without end, as for an unreachable database.
      if (code === 'AUTH.KEYS_UNAVAILABLE') throw new InfrastructureUnavailable('Keycloak signing keys unavailable', { cause: e });
      return {
        refusal: `token refused at the broker’s timestamp ${at.toISOString()}: ${typeof code === 'string' ? code : (e as Error).message}`,
        // jose checks the signature before the times: an expired token was signed by Keycloak for that client.
        signed: code === 'AUTH.TOKEN_EXPIRED',
      };
    }
  }

  /** Steps 2 (actor), 3 (contract) and 4 (scope) for a message never seen before; sets the refusal or returns it for the handler. */
  private async admit(c: Extract<Checked, { kind: 'candidate' }>, d: Decision, letters: DeadLetter[]): Promise<CountyMessage | undefined> {
    const mismatch = senderMismatch(c.raw, c.sender);
    if (mismatch) {
      d.outcome = { outcome: 'refused', code: 'COUNTY.SENDER_MISMATCH', reason: mismatch };
      return undefined;
    }
    const valid = this.options.contracts.validate(c.raw);
    if (!valid.ok) {
      letters.push({ m: c.m, reason: valid.reason, error: valid.message });
      d.outcome = { outcome: 'refused', code: 'COUNTY.INVALID', reason: valid.message };
      return undefined;
    }
    const event: EventEnvelope = valid.envelope;
    // Order is kept per subject, and the subject is the Kafka key: a key other than the streamId
    // (a county changing its key format) would give one subject two orders.
    if (c.to.subject !== event.streamId) {
      const reason = `the Kafka key ${JSON.stringify(c.to.subject)} must be the envelope's streamId ${JSON.stringify(event.streamId)}`;
      d.outcome = { outcome: 'refused', code: 'COUNTY.INVALID', reason };
      return undefined;
    }
    d.sequence = event.streamVersion;
    for (const orgId of orgIdsIn(event.data)) {
      if (!(await this.options.scope(c.sender.countyOrgId, orgId))) {
        d.outcome = { outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE', reason: `organisation ${orgId} is not inside the sender’s county` };
        return undefined;
      }
    }
    if (!this.options.handlers[event.type]) {
      d.outcome = { outcome: 'refused', code: 'COUNTY.UNSUPPORTED', reason: `${this.options.owner} does not apply ${event.type} yet` };
      return undefined;
    }
    return { messageId: c.to.messageId, subject: event.streamId, sequence: event.streamVersion, sender: c.sender, event };
  }
}

/** A dead letter the chunk owes; `unanswered`: the type of a message that gets no reply (counted when sent). */
interface DeadLetter {
  readonly m: KafkaMessage;
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly unanswered?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
