import type { BallotCodesIssued, BallotCodesVoided, ContractData, MassEvaluationOpened, RatingTally } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

export interface OpenMassEvaluation {
  readonly type: 'OpenMassEvaluation';
  /**
   * `actorOrgId`: the opener's organisation; `orgPath`: the evaluated organisation's path from the root, with the
   * tree copy's versions, recorded among the decision's inputs (ADR 0032).
   */
  readonly data: ContractData<typeof MassEvaluationOpened> & {
    readonly decidedBy: DecidedBy;
    readonly today: string;
    readonly actorOrgId: string | undefined;
    readonly orgPath: OrgPath;
  };
}
/**
 * `ballotBox`: what the handler counted in the ballot box when it closed it — the tally and
 * a digest of the box's contents, recorded as the decision's input.
 */
export interface CloseMassEvaluation {
  readonly type: 'CloseMassEvaluation';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly tally: RatingTally;
    readonly ballotBox: { readonly streamId: string; readonly version: number };
  };
}
export interface PublishMassEvaluation {
  readonly type: 'PublishMassEvaluation';
  readonly data: { readonly decidedBy: DecidedBy };
}

/** Records a batch the ballot box has already issued (the box, not the stream, enforces the voter limit). */
export interface RecordBallotCodesIssued {
  readonly type: 'RecordBallotCodesIssued';
  readonly data: Omit<ContractData<typeof BallotCodesIssued>, 'windowId'>;
}

/** Records a void the ballot box has already made: the unused codes of a batch whose answer never reached its issuer. */
export interface RecordBallotCodesVoided {
  readonly type: 'RecordBallotCodesVoided';
  readonly data: Omit<ContractData<typeof BallotCodesVoided>, 'windowId'>;
}

export type MassEvaluationCommand =
  OpenMassEvaluation | RecordBallotCodesIssued | RecordBallotCodesVoided | CloseMassEvaluation | PublishMassEvaluation;
