import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { COUNTY_INBOUND_TOPIC, countyMessageTypesOf, countyReplyTopic, type ContractRegistry } from '@vanguard/contracts';
import {
  DEFAULT_RETRY_POLICY,
  EventConsumer,
  InfrastructureUnavailable,
  PermanentHandlerError,
  isInfrastructureError,
  isNoVerdict,
  OutboxWriter,
  counter,
  silentLogger,
  type ChunkContext,
  type Inbox,
  type MessagingLogger,
  type OutboxTableOptions,
  type RetryPolicy,
} from '@vanguard/messaging';
import type { CountyBatchHandler, CountyMessage, CountyMessageOwner, CountyScope } from './county-inbound.port';
import type { CountyInboundStore } from './county-inbound.store';
import { CountyLedger, decisionKey } from './county-ledger';
import { duplicateOf, handlerFailedReason, runInOrder, toNewDecision, type Checked, type DeadLetter, type Decision } from './county-batch';
import { ensureCountyTopics } from './county-topics';
import { CountyRetention, type CountyRetentionOptions, type PruneResult } from './county-retention';
import type { CountyPrincipal } from './gate/sender';
import { replyEnvelope, type ReplyOutcome, type ReplyTo } from './gate/reply';
import { checkMessage, type SenderCheck } from './gate/check';
import { admit } from './gate/admit';

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
  private readonly senderCheck: SenderCheck;
  private readonly log: MessagingLogger;
  private readonly counted;
  private readonly topic: string;
  private readonly retention: CountyRetention<TTx> | undefined;

  constructor(private readonly options: CountyInboundConsumerOptions<TTx>) {
    this.topic = options.topic ?? COUNTY_INBOUND_TOPIC;
    this.senderCheck = { owner: options.owner, known: new Set(options.knownCounties), tokenVerifier: options.tokenVerifier };
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
      const c = await checkMessage(m, ctx.partition, letters, this.senderCheck);
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
      // Nor is a race lost to another transaction (ADR 0097): the consumer runs it again, counting no attempt.
      if (isNoVerdict(e)) throw e;
      // The last try at a single message (the consumer split the failing chunk): record and
      // answer the failure, so the county is told, and dead-letter it for an operator.
      const last =
        ctx.attempt >= (this.options.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts) || e instanceof PermanentHandlerError;
      if (ctx.messages.length !== 1 || !last) throw e;
      // The error's text is the service's inside (table names, SQL, stack): the county gets a fixed
      // text and an incident id; the log line and the dead letter keep the error under that id.
      const incident = randomUUID();
      const error = e instanceof Error ? e.message : String(e);
      const m = ctx.messages[0]!;
      const to = checked.find((c) => c.kind === 'candidate')?.to;
      this.log.error(
        {
          incident,
          owner: this.options.owner,
          topic: ctx.topic,
          partition: ctx.partition,
          offset: m.offset,
          countyClientId: to?.clientId,
          messageId: to?.messageId,
          messageType: to?.messageType,
          error,
          stack: e instanceof Error ? e.stack : undefined,
        },
        'a county message could not be applied: answered COUNTY.HANDLER_FAILED and dead-lettered',
      );
      answered = await this.decide(
        ctx,
        checked,
        [...letters, { m, reason: 'handler-failed', error: `incident ${incident}: ${error}` }],
        handlerFailedReason(this.options.owner, incident),
      );
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
      const expired = checked.filter((c): c is Extract<Checked, { kind: 'reply' }> => c.kind === 'reply' && !!c.unlessDecided);
      // A runnable message's subject is its key (admit checks it is the streamId): take them all
      // up front (a chunk of another partition holding one of them is waited for), then read them.
      const subjects = candidates.flatMap((c) => (c.to.subject === null ? [] : [{ clientId: c.sender.clientId, subject: c.to.subject }]));
      await this.ledger.lock(q, subjects);
      const { decided: before, last } = await this.ledger.read(
        q,
        [
          ...candidates.map((c) => ({ clientId: c.sender.clientId, messageId: c.to.messageId })),
          ...expired.map((c) => ({ clientId: c.to.clientId, messageId: c.to.messageId })),
        ],
        subjects,
      );
      const decisions: Decision[] = [];
      const inBatch = new Map<string, Decision>();
      const runnable: { decision: Decision; message: CountyMessage }[] = [];
      // `unlessDecided`: dropped if its id is decided, before this chunk or in it (whichever comes first).
      const replies: { to: ReplyTo; outcome: () => ReplyOutcome; unlessDecided?: KafkaMessage }[] = [];
      for (const c of checked) {
        if (c.kind === 'reply') {
          replies.push({ to: c.to, outcome: () => c.outcome, ...(c.unlessDecided ? { unlessDecided: c.unlessDecided } : {}) });
          continue;
        }
        const key = decisionKey(c.sender.clientId, c.to.messageId);
        const seen = inBatch.get(key) ?? before.get(key);
        if (seen) {
          const seenHash = 'payloadSha256' in seen ? seen.payloadSha256 : seen.hash;
          if (seenHash !== c.hash) {
            const reason =
              '该消息 id 已用于另一内容，新消息须用新 id / this message id was used before for another payload; a new message needs a new id';
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
        const message = await admit(c, d, letters, this.options);
        if (message) runnable.push({ decision: d, message });
      }
      const advanced = await runInOrder(this.options.handlers, last, tx, runnable, failure);
      await this.ledger.record(q, decisions.map(toNewDecision), advanced);
      const answers = replies
        .filter((r) => !this.decidedAlready(r, before, inBatch, letters))
        .map((r) => ({ to: r.to, outcome: r.outcome() }));
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
   * Whether an expired token's refusal would go under an id decided before or in this chunk: it
   * is then left unanswered (its dead letter counted as one), never contradicting the decision.
   */
  private decidedAlready(
    r: { to: ReplyTo; unlessDecided?: KafkaMessage },
    before: ReadonlyMap<string, unknown>,
    inBatch: ReadonlyMap<string, unknown>,
    letters: DeadLetter[],
  ): boolean {
    const m = r.unlessDecided;
    const key = decisionKey(r.to.clientId, r.to.messageId);
    if (!m || !(before.has(key) || inBatch.has(key))) return false;
    const i = letters.findIndex((l) => l.m === m);
    if (i >= 0) letters[i] = { ...letters[i]!, unanswered: r.to.messageType };
    return true;
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
}
