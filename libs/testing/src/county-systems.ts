import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { countyReplyTopic, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { claimsOf, serviceTokenFor } from './keycloak';
import { createLedTopics, tapFromNow, testProducer } from './kafka';
import { waitUntil } from './wait';

export interface CountyReply {
  readonly messageId: string;
  readonly outcome: 'applied' | 'refused' | 'duplicate';
  readonly code?: string;
  readonly reason?: string;
  readonly originalOutcome?: string;
  readonly result?: Record<string, string>;
}

/**
 * A county system as a test drives it: real client-credentials tokens of the demo realm's
 * county clients, messages on an inbound topic of the suite's own, and a tap on the counties'
 * reply topics (the last reply per message id).
 */
export class CountySystems {
  readonly kafka = new Kafka({ clientId: 'county-systems-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  readonly inbound = `test.county-inbound.${randomUUID()}`;

  /** How often the consumers counted in `registry` tried a chunk of this suite's inbound topic again (`vanguard_consumer_messages_total`). */
  async inboundRetries(registry: Registry): Promise<number> {
    return ((await registry.getSingleMetric('vanguard_consumer_messages_total')?.get())?.values ?? [])
      .filter((v) => v.labels['topic'] === this.inbound && v.labels['outcome'] === 'retried')
      .reduce((sum, v) => sum + v.value, 0);
  }
  private readonly replies = new Map<string, CountyReply>();
  private readonly tokens = new Map<string, { token: string; sub: string }>();
  private producer: Producer | undefined;
  private tap: Consumer | undefined;

  constructor(private readonly counties: Readonly<Record<string, string>>) {}

  async start(): Promise<void> {
    const clients = Object.keys(this.counties);
    const admin = this.kafka.admin();
    await admin.connect();
    await createLedTopics(
      admin,
      clients.map((c) => ({ topic: countyReplyTopic(c) })),
    ).finally(() => admin.disconnect());
    this.tap = await tapFromNow(
      this.kafka,
      clients.map(countyReplyTopic),
      (message) => {
        const reply = (JSON.parse(message.value!.toString()) as EventEnvelope<CountyReply>).data;
        this.replies.set(reply.messageId, reply);
      },
      { groupPrefix: 'county-replies-tap' },
    );
    for (const c of clients) {
      const token = await serviceTokenFor(c);
      this.tokens.set(c, { token, sub: String(claimsOf(token)['sub']) });
    }
    this.producer = testProducer(this.kafka);
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.tap?.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [this.inbound, `${this.inbound}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
  }

  /** Publishes a county message as the county's system does (key = subject, its token in `authorization`); returns its id. */
  async send(
    county: string,
    type: string,
    subject: string,
    sequence: number,
    data: object,
    messageId: string = randomUUID(),
  ): Promise<string> {
    const t = this.tokens.get(county)!;
    const orgId = this.counties[county]!;
    const at = new Date().toISOString();
    const envelope: EventEnvelope = {
      eventId: messageId,
      type,
      version: 1,
      streamId: subject,
      streamVersion: sequence,
      occurredAt: at,
      recordedAt: at,
      actor: { sub: t.sub, roles: ['county_system'], orgId, kind: 'service' },
      orgId,
      correlationId: randomUUID(),
      causationId: null,
      data,
    };
    await this.producer!.send({
      topic: this.inbound,
      messages: [{ key: subject, value: JSON.stringify(envelope), headers: { authorization: `Bearer ${t.token}` } }],
    });
    return messageId;
  }

  /** The reply to a message, once it came (and, with `outcome`, once it is that one: a resend's reply replaces the first). */
  replyTo(messageId: string, outcome?: CountyReply['outcome']): Promise<CountyReply> {
    return waitUntil(`the reply to ${messageId}`, () => {
      const r = this.replies.get(messageId);
      return r && (!outcome || r.outcome === outcome) ? r : undefined;
    });
  }
}
