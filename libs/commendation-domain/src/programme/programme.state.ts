import type { AwardCategory, AwardLevel, ContractData, AwardProgrammeLaunched } from '@vanguard/contracts';
import type { RuleRef } from '@vanguard/kernel';
import type { ProgrammeEvent } from './programme.events';

export type ProgrammeTimeline = ContractData<typeof AwardProgrammeLaunched>['timeline'];
export type ProgrammeStatus = 'none' | 'launched';

export interface ProgrammeState {
  readonly status: ProgrammeStatus;
  readonly version: number;
  readonly programmeId: string | null;
  readonly name: string | null;
  readonly orgId: string | null;
  readonly level: AwardLevel | null;
  readonly categories: readonly AwardCategory[];
  readonly years: readonly number[];
  readonly timeline: ProgrammeTimeline | null;
  readonly eligibilityPolicies: readonly RuleRef[];
  /** Places by `<unitOrgId>:<category>`; the latest allocation wins. */
  readonly quotas: Readonly<Record<string, number>>;
}

export const quotaKey = (unitOrgId: string, category: AwardCategory): string => `${unitOrgId}:${category}`;

export const initialState = (): ProgrammeState => ({
  status: 'none',
  version: 0,
  programmeId: null,
  name: null,
  orgId: null,
  level: null,
  categories: [],
  years: [],
  timeline: null,
  eligibilityPolicies: [],
  quotas: {},
});

export function evolve(state: ProgrammeState, event: ProgrammeEvent): ProgrammeState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'commendation.AwardProgrammeLaunched': {
      const d = event.data;
      return {
        ...s,
        status: 'launched',
        programmeId: d.programmeId,
        name: d.name,
        orgId: d.orgId,
        level: d.level,
        categories: d.categories,
        years: d.years,
        timeline: d.timeline,
        eligibilityPolicies: d.eligibilityPolicies,
      };
    }
    case 'commendation.QuotaAllocated':
      return { ...s, quotas: { ...s.quotas, [quotaKey(event.data.unitOrgId, event.data.category)]: event.data.places } };
  }
}
