import type { RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

/**
 * 划分片区: the handler reads the campaign (its root, stream version) and which of the units named lie
 * outside the campaign's subtree in the tree copy, so the decider needs no tree.
 */
export interface DesignateZone {
  readonly type: 'DesignateZone';
  readonly data: {
    readonly zoneId: string;
    readonly name: string;
    readonly leader: string;
    readonly units: readonly string[];
    readonly designatedOn: string;
    readonly campaign: { readonly campaignId: string; readonly version: number; readonly rootPath: OrgPath };
    /** Units named that the tree copy does not hold under the campaign's root. */
    readonly unitsOutside: readonly string[];
    /** Units named that another zone of the campaign holds already (read under the campaign's lock). */
    readonly unitsZoned: readonly string[];
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}

export type ZoneCommand = DesignateZone;

/** The zone as a round handler read it: its leader, units and stream version, and the campaign root's path. */
export interface ZoneRead {
  readonly zoneId: string;
  readonly campaignId: string;
  readonly leader: string;
  readonly units: readonly string[];
  readonly version: number;
  readonly rootPath: OrgPath;
}

/** The cycle the round's month falls in, as read from the campaign stream: its theme is what units are scored on. */
export interface CycleRead {
  readonly cycleId: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly theme: string;
  readonly campaignVersion: number;
}

export interface OpenMonthlyReview {
  readonly type: 'OpenMonthlyReview';
  readonly data: {
    readonly roundId: string;
    readonly month: string;
    readonly openedOn: string;
    readonly zone: ZoneRead;
    readonly cycle: CycleRead;
    /** The rubric version to score with; the service passes the one in force. */
    readonly rubricVersion: number;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
    /** A replay's: the rule versions the opening recorded. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export interface RecordMonthlyReviewScores {
  readonly type: 'RecordMonthlyReviewScores';
  readonly data: {
    readonly scoredOn: string;
    readonly scores: readonly { readonly orgId: string; readonly points: readonly number[] }[];
    /** The campaign root's path, for "an organizer above". */
    readonly rootPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}

export interface ConcludeMonthlyReview {
  readonly type: 'ConcludeMonthlyReview';
  readonly data: { readonly concludedOn: string; readonly rootPath: OrgPath; readonly decidedBy: DecidedBy; readonly reason: string };
}

export type MonthlyReviewCommand = OpenMonthlyReview | RecordMonthlyReviewScores | ConcludeMonthlyReview;
