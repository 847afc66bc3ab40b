export const WINDOW_UNIT_CONTACTS = Symbol('WINDOW_UNIT_CONTACTS');

/**
 * A window unit's service phone, kept beside its stream rather than in an event: no published event
 * carries a phone number (ADR 0047). Written once the commitments are appended: a refused append
 * changes nothing; a failure between the two leaves the earlier phone until the unit publishes again.
 * Each phone is saved with its publication's stream version and replaces only an older one, so two
 * publications that both succeed leave the later one's phone whatever order they save in.
 */
export interface WindowUnitContactsPort {
  save(orgId: string, servicePhone: string, version: number): Promise<void>;
  phoneOf(orgId: string): Promise<string | null>;
}
