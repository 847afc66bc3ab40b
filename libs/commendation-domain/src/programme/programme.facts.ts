import type { AwardCategory, AwardLevel } from '@vanguard/contracts';
import type { RuleRef } from '@vanguard/kernel';
import { quotaKey, type ProgrammeState, type ProgrammeTimeline } from './programme.state';

/**
 * The programme as a nomination decision reads it: the handler folds `award-programme-<id>`
 * and passes this (its stream and version are recorded among the decision's inputs).
 */
export interface ProgrammeFacts {
  readonly streamId: string;
  readonly version: number;
  readonly programmeId: string;
  /** The awarding body. */
  readonly orgId: string;
  readonly level: AwardLevel;
  readonly categories: readonly AwardCategory[];
  readonly years: readonly number[];
  readonly timeline: ProgrammeTimeline;
  readonly eligibilityPolicies: readonly RuleRef[];
}

export const programmeStreamId = (programmeId: string): string => `award-programme-${programmeId}`;

/** The facts of a launched programme; throws on a programme that was never launched (the handler answers 404 first). */
export function programmeFacts(state: ProgrammeState): ProgrammeFacts {
  if (state.status !== 'launched') throw new Error('the programme was not launched');
  return {
    streamId: programmeStreamId(state.programmeId!),
    version: state.version,
    programmeId: state.programmeId!,
    orgId: state.orgId!,
    level: state.level!,
    categories: state.categories,
    years: state.years,
    timeline: state.timeline!,
    eligibilityPolicies: state.eligibilityPolicies,
  };
}

/** The places allocated to a unit in a category; none allocated is none to use. */
export const placesOf = (state: ProgrammeState, unitOrgId: string, category: AwardCategory): number =>
  state.quotas[quotaKey(unitOrgId, category)] ?? 0;
