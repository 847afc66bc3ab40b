import type { Actor } from './actor';

export const ID_NUMBER_CHECKS = Symbol('IdNumberChecks');

/** The active member who already holds an ID number, as far as the caller may be told. */
export interface IdNumberHolder {
  readonly memberId: string;
  readonly insideCallersSubtree: boolean;
}

/**
 * The ID-number checks of single enrolment (ADR 0011), on the same record and budget as
 * member imports.
 */
export interface IdNumberChecks {
  /**
   * Counts one ID number (its blind index) against the caller's budget — 429 past it, flagged
   * to the organisation above — records the check under `checkId`, and says who holds it.
   */
  checkEnrolment(checkId: string, actor: Actor, idNumberHash: string): Promise<IdNumberHolder | null>;
  /** Holds the enrolment `checkId` for review above the caller, in the current unit of work. */
  holdEnrolment(checkId: string, actor: Actor, orgId: string, holder: IdNumberHolder): Promise<void>;
}
