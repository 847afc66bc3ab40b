/**
 * Indexes on evaluation's event store that only the store's owner may create (its tables are the
 * admin's, ADR 0041's roles): `npm run migrate` runs them as the admin after the store's own
 * migrations, idempotently. The service's migrations run as `vg_evaluation` and cannot.
 *
 * `events_cycle_planned_idx`: the cycle a leader's comment names, found by its id (ADR 0138) — a
 * partial index over the few `CyclePlanned` rows, so an append of any other event pays nothing.
 */
export const evaluationStoreIndexes = (schema: string): readonly string[] => [
  `create index if not exists events_cycle_planned_idx on "${schema}".events (((canonical::jsonb) #>> '{data,cycleId}'))
     where type = 'evaluation.CyclePlanned'`,
];
