import type { AwardCategory, ReviewLevel } from '@vanguard/contracts';
import type { FactInput } from '../eligibility/eligibility-facts.port';

export const NOMINATION_READ_MODEL = Symbol('NOMINATION_READ_MODEL');

/** Counts the decisions read from the board projection (read models, so a decision may lag a moment behind the store). */
export interface NominationReadModel {
  /**
   * Standing nominations (under review, returned, shortlisted) of a programme, category and
   * unit that `by` has forwarded: submitted (by: 'nominator') or endorsed at a review level.
   */
  placesUsed(
    programmeId: string,
    category: AwardCategory,
    unitOrgId: string,
    by: 'nominator' | ReviewLevel,
    except: string,
  ): Promise<number>;
  /** Another standing nomination of this nominee in this programme and category, as its stream and version. */
  standingNominationOf(programmeId: string, category: AwardCategory, nomineeId: string): Promise<FactInput | null>;
  /** The programme's shortlisted nominations as the board holds them (the handler then reads each stream). */
  shortlisted(programmeId: string): Promise<string[]>;
  /**
   * Every objection to the programme that is neither upheld nor dismissed, and any upheld one
   * against `nominationId` (its withdrawal is a second append, which a crash could have lost).
   */
  openObjections(programmeId: string, nominationId: string): Promise<FactInput[]>;
}
