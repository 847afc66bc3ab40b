export const OBJECTOR_CONTACTS = Symbol('OBJECTOR_CONTACTS');

/**
 * An objector's name and contact, kept apart from the events (which never carry them): read
 * only by the investigator, erased when the objection is concluded.
 */
export interface ObjectorContactsPort {
  keep(objectionId: string, name: string | null, contact: string | null, at: Date): Promise<void>;
  read(objectionId: string): Promise<{ name: string | null; contact: string | null } | null>;
  erase(objectionId: string): Promise<void>;
}
