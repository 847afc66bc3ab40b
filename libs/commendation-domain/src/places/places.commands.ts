import type { AwardCategory, ReviewLevel } from '@vanguard/contracts';
import type { DecidedBy, StreamRead } from '../decided-by';
import type { NominationStatus } from '../nomination/nomination.state';

/** `nominator` for the place a submission takes, else the reviewing level that forwards it. */
export type PlaceLevel = 'nominator' | ReviewLevel;

/**
 * A nomination takes one of its unit's places at `level`. `places`: the unit's allocation in
 * the category (the programme as read); `nomination`: the nomination's stream as the decision
 * on it read it. Sent with the nomination's own submission or endorsement, in one append.
 */
export interface GrantPlace {
  readonly type: 'GrantPlace';
  readonly data: {
    readonly programmeId: string;
    readonly unitOrgId: string;
    readonly category: AwardCategory;
    readonly level: PlaceLevel;
    readonly nominationId: string;
    /** Who the nomination puts forward: recorded so the unit's places tell who holds them. */
    readonly nomineeId?: string;
    readonly places: number;
    readonly programme: StreamRead;
    readonly nomination: StreamRead;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
  };
}

/**
 * The nomination gives its places back: `because` it was rejected or withdrawn (all of them), or
 * amended (the reviewing levels', as it climbs again from the first). `status`: the
 * nomination's status once its own event is applied, which must bear out `because`.
 */
export interface ReleasePlaces {
  readonly type: 'ReleasePlaces';
  readonly data: {
    readonly programmeId: string;
    readonly unitOrgId: string;
    readonly category: AwardCategory;
    readonly nominationId: string;
    readonly because: 'rejected' | 'withdrawn' | 'amended';
    readonly status: NominationStatus;
    readonly nomination: StreamRead;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
  };
}

export type PlacesCommand = GrantPlace | ReleasePlaces;
