import type { ContractData, MassEvaluationTallyRecorded } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

type Recorded = ContractData<typeof MassEvaluationTallyRecorded>;

/**
 * A mass evaluation counted outside the platform (a county system's paper ballots), as the
 * handler translated it. `orgPath`: the evaluated organisation's (or the member's branch's) path
 * from the tree copy, recorded among the decision's inputs. `memberInOrg`: for a member, whether
 * the roster copy holds them active in `orgId` (null for an organisation).
 */
export interface RecordMassEvaluationTally {
  readonly type: 'RecordMassEvaluationTally';
  readonly data: Omit<Recorded, 'satisfactionPermille' | 'decision'> & {
    readonly decidedBy: DecidedBy;
    readonly orgPath: OrgPath;
    readonly memberInOrg: boolean | null;
  };
}

export type MassTallyCommand = RecordMassEvaluationTally;
