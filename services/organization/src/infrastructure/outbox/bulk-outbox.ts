import { ContractViolationError, publicContracts, type EventEnvelope } from '@vanguard/contracts';

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
  await db.query(
    `insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
     select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::jsonb[])`,
    [
      envelopes.map((e) => e.eventId),
      envelopes.map((e) => e.type),
      envelopes.map((e) => e.version),
      envelopes.map((e) => e.streamId),
      valid.map((v) => v.contract.topic),
      envelopes.map((e) => JSON.stringify(e)),
    ],
  );
}
