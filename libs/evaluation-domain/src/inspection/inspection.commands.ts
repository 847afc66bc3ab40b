import type { ContractData, InspectionLaunched } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';
import type { DrawCandidate } from './draw';

type Launched = ContractData<typeof InspectionLaunched>;

/**
 * 督导检查: a special inspection names its units; a random one names how many, and the handler
 * passes the seed it generated and the candidates it read (the scope's subtree from the tree copy).
 * `unitPaths` are the paths of the named units (special), read to check they are in the scope.
 */
export interface LaunchInspection {
  readonly type: 'LaunchInspection';
  readonly data: Pick<Launched, 'inspectionId' | 'topic' | 'launchedOn' | 'group'> & {
    readonly selection:
      | { readonly kind: 'special'; readonly unitPaths: readonly OrgPath[] }
      | { readonly kind: 'random'; readonly seed: string; readonly candidates: readonly DrawCandidate[]; readonly count: number };
    /** The path of the group's scope, root first, recorded among the inputs. */
    readonly scopePath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}

export type InspectionCommand = LaunchInspection;
