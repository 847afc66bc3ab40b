import { REFINEMENTS_RECORDED, withoutRefinements, type JsonSchema } from './json-schema';
import { COUNTY_INBOUND_TOPIC } from '../topics';
import { rejections } from './subschema';

export type { JsonSchema } from './json-schema';

/**
 * Who would be hurt by a change inside one contract version:
 * - `new-producers→old-consumers`: a message the new schema allows that a consumer still
 *   validating with the published schema rejects (an added enum value, a looser bound, a
 *   required field made optional, a removed field);
 * - `old-producers→new-consumers`: a message a producer still on the published schema sends
 *   that a consumer on the new schema rejects (a removed enum value, a tighter bound, a new
 *   required field, a new refinement).
 * Either is breaking: events stay on the topic and in the stores for years, and producers
 * and consumers are upgraded at different times.
 */
export type CompatibilityDirection = 'new-producers→old-consumers' | 'old-producers→new-consumers';

export interface BreakingChange {
  readonly direction: CompatibilityDirection;
  /** JSON pointer-ish path to the changed place, e.g. `/properties/data/properties/level`. */
  readonly path: string;
  readonly change: string;
}

/**
 * Whether `current` (generated from the contract now) can replace `published` (the same
 * type and version as published before) without a new version: every message either allows
 * must be accepted by the other. Refinements are compared only when both schemas recorded
 * them (files published before refinements were recorded carry no marker).
 *
 * Senders on the county inbound topic are county systems, outside producers: their objects
 * are taken as open (any undeclared key, any value) unless the schema says
 * `additionalProperties: false`, so adding an optional typed property there is breaking.
 */
export function findBreakingChanges(published: JsonSchema, current: JsonSchema): BreakingChange[] {
  const bothRecorded = published[REFINEMENTS_RECORDED] === true && current[REFINEMENTS_RECORDED] === true;
  const p = bothRecorded ? published : (withoutRefinements(published) as JsonSchema);
  const c = bothRecorded ? current : (withoutRefinements(current) as JsonSchema);
  const out: BreakingChange[] = [];
  for (const key of ['x-topic', 'x-key'] as const) {
    if (p[key] !== c[key]) {
      out.push({ direction: 'new-producers→old-consumers', path: `/${key}`, change: `${key} changed from ${String(p[key])}` });
    }
  }
  const openSenders = p['x-topic'] === COUNTY_INBOUND_TOPIC || c['x-topic'] === COUNTY_INBOUND_TOPIC;
  out.push(...rejections(c, p, { openSenders }).map((r) => ({ direction: 'new-producers→old-consumers' as const, ...r })));
  out.push(...rejections(p, c, { openSenders }).map((r) => ({ direction: 'old-producers→new-consumers' as const, ...r })));
  return out;
}
