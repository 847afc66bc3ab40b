import type { AwardCategory } from '@vanguard/contracts';
import type { FactInput } from '../eligibility/eligibility-facts.port';

export const NOMINATION_READ_MODEL = Symbol('NOMINATION_READ_MODEL');

/** Counts the decisions read from the board projection (read models, so a decision may lag a moment behind the store). */
export interface NominationReadModel {
  /** Another standing nomination of this nominee in this programme and category, as its stream and version. */
  standingNominationOf(programmeId: string, category: AwardCategory, nomineeId: string): Promise<FactInput | null>;
  /** The programme's shortlisted nominations as the board holds them (the handler then reads each stream). */
  shortlisted(programmeId: string): Promise<string[]>;
  /**
   * Every objection to the programme that is neither upheld nor dismissed, and any upheld one
   * against `nominationId` (since ADR 0043 its withdrawal lands in the same append; one recorded
   * before that may stand beside an upheld objection, and must not be decided).
   */
  openObjections(programmeId: string, nominationId: string): Promise<FactInput[]>;
  /**
   * The same read, and in the same statement every other objection to the programme (dismissed,
   * or upheld against another nomination): a decision records those it found closed (ADR 0080).
   */
  objectionsFor(programmeId: string, nominationId: string): Promise<{ open: FactInput[]; closed: FactInput[] }>;
}
