import { publicContracts, type EventEnvelope } from '@vanguard/contracts';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Writes many events to the outbox in two statements (bulk seeding and roster imports),
 * in the caller's transaction. Every envelope of a batch has the same shape, so the
 * first is validated against its contract as the batch's sample.
 */
export async function writeOutboxBatch(db: Sql, events: readonly EventEnvelope[]): Promise<void> {
  const first = events[0];
  if (!first) return;
  const { contract } = publicContracts.assertValid(first);
  await db.query(
    `insert into stream_versions (stream_id, version) select s, v from unnest($1::text[], $2::int[]) as u(s, v)
     on conflict (stream_id) do update set version = greatest(stream_versions.version, excluded.version)`,
    [events.map((e) => e.streamId), events.map((e) => e.streamVersion)],
  );
  await db.query(
    `insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
     select u.event_id, u.t, 1, u.s, $4, u.e from unnest($1::uuid[], $2::text[], $3::text[], $5::jsonb[]) as u(event_id, t, s, e)`,
    [
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.streamId),
      contract.topic,
      events.map((e) => JSON.stringify(e)),
    ],
  );
}
