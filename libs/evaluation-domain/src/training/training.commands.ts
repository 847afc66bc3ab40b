import type { ContractData, TrainingClassOpened } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

/** A trainee as the handler read them from the roster: their organisation's path, or null if not an active member. */
export interface RosterTrainee {
  readonly memberId: string;
  readonly orgId: string | null;
  readonly orgPath: OrgPath | null;
}

export interface OpenTrainingClass {
  readonly type: 'OpenTrainingClass';
  readonly data: Omit<ContractData<typeof TrainingClassOpened>, 'decision'> & {
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}
export interface EnrolTrainees {
  readonly type: 'EnrolTrainees';
  readonly data: {
    readonly trainees: readonly RosterTrainee[];
    readonly today: string;
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}
export interface RecordTrainingAttendance {
  readonly type: 'RecordTrainingAttendance';
  readonly data: {
    readonly attendance: readonly { readonly memberId: string; readonly sessionsAttended: number }[];
    readonly today: string;
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}
export type TrainingClassCommand = OpenTrainingClass | EnrolTrainees | RecordTrainingAttendance;
