import { ContractViolationError, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { outboxRowsStatement } from '@vanguard/messaging';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Writes many events to the outbox in two statements (bulk seeding and roster imports),
 * in the caller's transaction. Every event is validated against its contract before any
 * is written, and what is stored is the contract's parsed output: a field the contract
 * does not know never reaches Kafka, and one bad event refuses the whole batch.
 */
export async function writeOutboxBatch(db: Sql, events: readonly EventEnvelope[]): Promise<void> {
  if (!events.length) return;
  const valid = events.map((candidate, i) => {
    try {
      return publicContracts.assertValid(candidate);
    } catch (e) {
      if (e instanceof ContractViolationError)
        throw new ContractViolationError(e.reason, `events[${i}]: ${e.message.slice(e.reason.length + 2)}`);
      throw e;
    }
  });
  const envelopes = valid.map((v) => v.envelope);
  await db.query(
    `insert into stream_versions (stream_id, version) select s, v from unnest($1::text[], $2::int[]) as u(s, v)
     on conflict (stream_id) do update set version = greatest(stream_versions.version, excluded.version)`,
    [envelopes.map((e) => e.streamId), envelopes.map((e) => e.streamVersion)],
  );
  const { sql, params } = outboxRowsStatement(
    'vanguard_outbox',
    envelopes,
    valid.map((v) => v.contract.topic),
  );
  await db.query(sql, params);
}

/**
 * Like writeOutboxBatch, for events on streams that may already have events (a roster sync
 * updating stored members): each stream's counter moves once by its number of events, in ONE
 * statement, and the events take the versions after the old counter in their order.
 * Validated first, as every outbox write; two statements whatever the number of events.
 */
export async function writeNumberedOutboxBatch(db: Sql, events: readonly EventEnvelope[]): Promise<void> {
  if (!events.length) return;
  const valid = events.map((candidate) => publicContracts.assertValid(candidate));
  const streams = valid.map((v) => v.envelope.streamId);
  const { rows } = (await db.query(
    `with n as (select s, count(*)::int as c from unnest($1::text[]) as s group by s)
     insert into stream_versions (stream_id, version) select s, c from n
     on conflict (stream_id) do update set version = stream_versions.version + excluded.version
     returning stream_id, version`,
    [streams],
  )) as { rows: { stream_id: string; version: number }[] };
  const count = new Map<string, number>();
  for (const s of streams) count.set(s, (count.get(s) ?? 0) + 1);
  const next = new Map(rows.map((r) => [r.stream_id, r.version - count.get(r.stream_id)! + 1]));
  const envelopes = valid.map((v) => {
    const version = next.get(v.envelope.streamId)!;
    next.set(v.envelope.streamId, version + 1);
    return { ...v.envelope, streamVersion: version };
  });
  const { sql, params } = outboxRowsStatement(
    'vanguard_outbox',
    envelopes,
    valid.map((v) => v.contract.topic),
  );
  await db.query(sql, params);
}
