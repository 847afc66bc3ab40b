import type { ContractData, MassEvaluationOpened, RatingTally } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';

export interface OpenMassEvaluation {
  readonly type: 'OpenMassEvaluation';
  /** `actorOrgId`: the opener's organisation; `orgPath`: the evaluated organisation's path from the root. */
  readonly data: ContractData<typeof MassEvaluationOpened> & {
    readonly today: string;
    readonly actorOrgId: string | undefined;
    readonly orgPath: readonly string[];
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
  readonly data: Record<string, never>;
}

export type MassEvaluationCommand = OpenMassEvaluation | CloseMassEvaluation | PublishMassEvaluation;
