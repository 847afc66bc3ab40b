import type { RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';
import type { MonthlyRoundRead } from './monthly-review-reads';
import type { TierInputs } from './tier-rules';

export interface AssessOrganization {
  readonly type: 'AssessOrganization';
  readonly data: {
    readonly orgId: string;
    readonly period: string;
    readonly scores: TierInputs['scores'];
    /** The mass-evaluation result the handler read, if any: its value and where it came from. */
    readonly satisfaction: { readonly permille: number; readonly streamId: string; readonly version: number } | null;
    /**
     * The unit's concluded monthly on-site reviews of the year the handler read (月度观摩点评, ADR 0050):
     * recorded on the decision with their figures and each round stream at its version.
     */
    readonly monthlyReviews: readonly MonthlyRoundRead[];
    readonly decidedBy: DecidedBy;
    /** The path of the organisation assessed, recorded among the decision's inputs. */
    readonly orgPath: OrgPath;
    /** The tier rule version in force (chosen by the service's configuration, recorded on the event). */
    readonly ruleVersion: number;
    readonly reason: string;
    /** The China day of the decision (the service's clock; a replay's, the one recorded). */
    readonly assessedOn: string;
    /** A replay's: the rule versions the decision recorded; rules shipped after it run only where recorded. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export type AssessmentCommand = AssessOrganization;
