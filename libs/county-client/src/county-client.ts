import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import { ServiceKafka } from '@vanguard/messaging/kafka';
import type { EventEnvelope } from '@vanguard/contracts';
import { buildCountyMessage, countyKafkaMessage, subjectOf, type CountyIdentity } from './county-message';
import type { CountyClientConfig } from './county-client.config';
import { countyKafkaConfig } from './county-kafka';
import { CountyStateFile } from './county-state';
import { CountyTokenSource } from './county-token';

export interface CountyDraft {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

const BATCH = 1_000;
/**
 * Bytes of one send. The broker refuses a partition's record batch past `message.max.bytes` (1 MiB
 * by default), and every message may go to one partition: a thousand roster messages, each with
 * its ~1 KB token, were refused on a one-partition topic.
 */
const BATCH_BYTES = 512 * 1024;

const sizeOf = (m: Message): number =>
  Buffer.byteLength(m.value ?? '') +
  Buffer.byteLength(m.key ?? '') +
  Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v ?? '')), 0);

/** How many of `messages`, from the first, make one send: at most `maxCount` and `maxBytes`, and never none. */
export function batchLength(messages: readonly Message[], maxCount = BATCH, maxBytes = BATCH_BYTES): number {
  let bytes = 0;
  let n = 0;
  for (const m of messages) {
    const size = sizeOf(m);
    if (n >= maxCount || (n > 0 && bytes + size > maxBytes)) break;
    bytes += size;
    n++;
  }
  return n;
}

/**
 * Publishing stopped (the broker unreachable, a refused token, Ctrl-C) after the messages were
 * numbered and written to `sent.jsonl`: `messageIds` were not confirmed by the broker and are
 * resent by id (`npm run county -- resend <id>`), never built again under new sequences.
 */
export class PublishFailed extends Error {
  constructor(
    readonly messageIds: readonly string[],
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${messageIds.length} 条消息未确认发送（${reason}）`, options);
  }
}

/**
 * A county system's side of the inbound topic: numbers its messages per subject, remembers
 * them, and publishes them with its token. One instance per county; `close()` when done.
 */
export class CountyClient {
  readonly tokens: CountyTokenSource;
  readonly state: CountyStateFile;
  readonly kafka: Kafka;
  private readonly client: ServiceKafka;
  private producer: Producer | undefined;

  constructor(
    readonly config: CountyClientConfig,
    private readonly clock: { now(): Date; newId(): string } = { now: () => new Date(), newId: randomUUID },
  ) {
    this.tokens = new CountyTokenSource(config);
    this.state = new CountyStateFile(config.stateDir);
    // Every producer, consumer and admin of the county is made from this one, so all connect as the county.
    this.client = new ServiceKafka(config.clientId, config.kafka.brokers, countyKafkaConfig(config.clientId, config.kafka));
    this.kafka = this.client.kafka;
  }

  get clientId(): string {
    return this.config.clientId;
  }

  identity(): Promise<CountyIdentity> {
    return this.tokens.identity();
  }

  /**
   * Publishes new messages: each gets a fresh message id and the next sequence of its subject,
   * both written down first. `validate: false` sends data the contract refuses (to see the refusal).
   */
  async send(drafts: readonly CountyDraft[], options: { validate?: boolean; signal?: AbortSignal } = {}): Promise<EventEnvelope[]> {
    const { signal, ...build } = options;
    const identity = await this.identity();
    // Build once with a placeholder sequence so invalid data is refused before any sequence is spent.
    drafts.forEach((d) => buildCountyMessage({ ...d, identity, messageId: 'check', sequence: 1, at: new Date(0), ...build }));
    signal?.throwIfAborted();
    const sequences = await this.state.allocate(drafts.map((d) => subjectOf(d.type, d.data)));
    const at = this.clock.now();
    const envelopes = drafts.map((d, i) =>
      buildCountyMessage({ ...d, identity, messageId: this.clock.newId(), sequence: sequences[i] ?? 1, at, ...build }),
    );
    await this.state.recordSent(envelopes);
    await this.publish(envelopes, signal);
    return envelopes;
  }

  /** Publishes again exactly what was sent under `messageId` (same id, same sequence), with a fresh token. */
  async resend(messageId: string): Promise<EventEnvelope> {
    const envelope = await this.state.findSent(messageId);
    if (!envelope) throw new Error(`本县未发送过消息 ${messageId}（状态目录 ${this.config.stateDir}）`);
    await this.publish([envelope]);
    return envelope;
  }

  /** Publishes a raw record as it is (a malformed one, say), with this county's token unless told otherwise. */
  async sendRaw(record: { key: string | null; value: string; withToken?: boolean }): Promise<void> {
    const headers: Record<string, string> = {};
    if (record.withToken !== false) headers['authorization'] = `Bearer ${await this.tokens.token()}`;
    await (await this.connected()).send({ topic: this.config.inboundTopic, messages: [{ key: record.key, value: record.value, headers }] });
  }

  /** Batch by batch; what was not confirmed when it stops is named in a PublishFailed. */
  private async publish(envelopes: readonly EventEnvelope[], signal?: AbortSignal): Promise<void> {
    let confirmed = 0;
    const unconfirmed = () => envelopes.slice(confirmed).map((e) => e.eventId);
    try {
      const producer = await this.connected();
      while (confirmed < envelopes.length) {
        // Between batches only: a batch handed to the producer may have been written, so it is never cut.
        if (signal?.aborted) throw new PublishFailed(unconfirmed(), '已中断 / interrupted');
        const token = await this.tokens.token();
        const messages = envelopes.slice(confirmed, confirmed + BATCH).map((e) => countyKafkaMessage(e, token));
        const batch = messages.slice(0, batchLength(messages));
        await producer.send({ topic: this.config.inboundTopic, messages: batch });
        confirmed += batch.length;
      }
    } catch (e) {
      if (e instanceof PublishFailed) throw e;
      throw new PublishFailed(unconfirmed(), e instanceof Error ? e.message : String(e), { cause: e });
    }
  }

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      // Idempotent producer: a retried send is not written twice, so per-subject order holds.
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  /** Also ends every consumer and admin made from `kafka`: nothing of the county outlives its close. */
  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
    this.client.closeLeftovers();
  }
}
