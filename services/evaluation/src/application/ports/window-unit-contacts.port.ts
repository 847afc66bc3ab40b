export const WINDOW_UNIT_CONTACTS = Symbol('WINDOW_UNIT_CONTACTS');

/**
 * A window unit's service phone, kept beside its stream rather than in an event: no published event
 * carries a phone number (ADR 0047). Written once the commitments are appended: a refused append
 * changes nothing; a failure between the two leaves the earlier phone until the unit publishes again,
 * and two publications that both succeed may save their phones in the other order (the page then
 * shows the earlier one's phone until the next publication).
 */
export interface WindowUnitContactsPort {
  save(orgId: string, servicePhone: string): Promise<void>;
  phoneOf(orgId: string): Promise<string | null>;
}
