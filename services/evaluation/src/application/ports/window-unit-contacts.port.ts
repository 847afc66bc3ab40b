export const WINDOW_UNIT_CONTACTS = Symbol('WINDOW_UNIT_CONTACTS');

/**
 * A window unit's service phone, kept beside its stream rather than in an event: no published event
 * carries a phone number (ADR 0047). Written before the commitments are appended; a failed append
 * leaves at most a phone the unit asked for, never an unchecked one (the decider has checked it).
 */
export interface WindowUnitContactsPort {
  save(orgId: string, servicePhone: string): Promise<void>;
  phoneOf(orgId: string): Promise<string | null>;
}
