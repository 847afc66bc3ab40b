import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { tapFromNow, waitUntil } from '@vanguard/testing';
import { CountyClient, consumeReplies, countyClientConfig, followDecisions, type CountyReply, type FollowedDecision } from '../../src';

/**
 * One simulated county system as the e2e drives it: the reference client with a state directory
 * of its own, its replies read in its own group, and `follow` started and stopped at will.
 */
export class SimulatedCounty {
  readonly client: CountyClient;
  readonly replies = new Map<string, CountyReply[]>();
  readonly decisions: FollowedDecision[] = [];
  private readonly stops: AbortController[] = [];
  private follower: { stop: AbortController; done: Promise<void> } | undefined;
  /** Ends once the replies consumer has left its group: close() waits for it, or it outlives the suite. */
  private readonly replying: Promise<void>;
  readonly followGroup: string;

  constructor(
    readonly clientId: string,
    suite: string,
  ) {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${clientId}-`));
    this.client = new CountyClient(countyClientConfig({ clientId, stateDir }));
    this.followGroup = `${clientId}.follow.${suite}`;
    const stop = new AbortController();
    this.stops.push(stop);
    this.replying = consumeReplies(this.client, {
      groupId: `${clientId}.replies.${suite}`,
      onReply: (r) => void this.replies.set(r.messageId, [...(this.replies.get(r.messageId) ?? []), r]),
      signal: stop.signal,
    });
  }

  /** The latest reply to `messageId` that satisfies `accept` (default: any). */
  reply(messageId: string, accept: (r: CountyReply) => boolean = () => true, timeoutMs = 30_000): Promise<CountyReply> {
    return waitUntil(`${this.clientId}'s reply to ${messageId}`, () => (this.replies.get(messageId) ?? []).filter(accept).at(-1), {
      timeoutMs,
      intervalMs: 100,
    });
  }

  startFollowing(): Promise<void> {
    const stop = new AbortController();
    let subscribed!: () => void;
    const ready = new Promise<void>((r) => (subscribed = r));
    const done = followDecisions(this.client, {
      groupId: this.followGroup,
      allowDevelopmentKey: true, // the local platform signs with the development keys
      onDecision: (d) => void this.decisions.push(d),
      onSubscribed: () => subscribed(),
      signal: stop.signal,
    });
    this.follower = { stop, done };
    return Promise.race([ready, done]);
  }

  /** Goes offline: the consumer leaves its group with its offsets committed. */
  async stopFollowing(): Promise<void> {
    this.follower?.stop.abort();
    await this.follower?.done;
    this.follower = undefined;
  }

  async close(): Promise<void> {
    await this.stopFollowing();
    for (const s of this.stops) s.abort();
    await this.replying.catch(() => undefined);
    await this.client.close();
    fs.rmSync(this.client.config.stateDir, { recursive: true, force: true });
  }
}

/** Reads `topic` from now on in a group of its own, keeping what `keep` picks (value and headers as text). */
export async function tap(
  topic: string,
  keep: (value: string, headers: Record<string, string>) => boolean,
): Promise<{ seen: { value: string; headers: Record<string, string> }[]; stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'county-e2e-tap', brokers: [...countyClientConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const seen: { value: string; headers: Record<string, string> }[] = [];
  const consumer = await tapFromNow(
    kafka,
    [topic],
    (message) => {
      const value = message.value?.toString() ?? '';
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
      if (keep(value, headers)) seen.push({ value, headers });
    },
    { groupPrefix: 'county-e2e-tap' },
  );
  return { seen, stop: () => consumer.disconnect() };
}
