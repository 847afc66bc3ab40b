import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { EventSigner } from '@vanguard/auth';
import type { EventEnvelope } from '@vanguard/contracts';
import { toKafkaMessage } from '@vanguard/messaging';
import { testProducer } from '@vanguard/testing';
import { developmentLogSigner, developmentWitnessSigner, signNote, splitNote } from '@vanguard/transparency-log';

/**
 * Checkpoint records someone holding audit's event key and the log key could write (both are the
 * public development keys in tests), for the `checkpoints` command to refuse: put on a test's own
 * topic only, under a key of their own.
 */
export async function putCheckpointRecords(kafka: Kafka, topic: string, store: string, events: readonly EventEnvelope[]): Promise<void> {
  const auditKey = EventSigner.forContext('audit', {});
  const streamId = `checkpoint-${store}`;
  const messages = events.map((e) => toKafkaMessage(auditKey.sign({ ...e, eventId: randomUUID(), streamId })));
  const producer = testProducer(kafka);
  await producer.connect();
  // Acknowledged before it returns: the command, reading to the end as of its start, sees them.
  await producer.send({ topic, messages }).finally(() => producer.disconnect());
}

/** The witnessed note with the signature bytes of its `index`th cosignature line flipped. */
export function withBrokenCosignature(note: string, index: number): string {
  const { body, lines } = splitNote(note);
  const line = lines.filter((l) => l.startsWith('— witness.'))[index]!;
  const [dash, name, b64] = line.split(' ');
  const raw = Buffer.from(b64!, 'base64');
  raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
  return `${body}\n${lines.map((l) => (l === line ? `${dash} ${name} ${raw.toString('base64')}` : l)).join('\n')}\n`;
}

/** A checkpoint of `size` with `root`, signed by the development log key of `origin` and cosigned by `counties`' development witnesses. */
export function witnessedNote(origin: string, size: number, root: string, counties: readonly string[]): string {
  const body = `${origin}\n${size}\n${root}\n`;
  return (
    signNote(body, developmentLogSigner(origin)) + counties.map((c) => developmentWitnessSigner(c).cosign(body, 1_800_000_000)).join('')
  );
}
