import type { RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy, OrgVersions } from '../decided-by';

/** The programme's notice as the handler read it from `public-notice-<programmeId>` (see `noticeForObjection`). */
export interface NoticeForObjection {
  readonly streamId: string;
  readonly version: number;
  readonly programmeId: string;
  readonly awardingOrgId: string;
  readonly round: number;
  readonly startsOn: string;
  readonly endsOn: string;
  /** The nominations on the latest round. */
  readonly listed: readonly string[];
}

/**
 * Filed by anyone, without a token. `trackingCode`: issued by the service. `named` and
 * `hasContact`: whether the objector gave a name and a contact, which the service keeps
 * outside the event; the grounds may carry neither an ID-card nor a phone number.
 */
export interface FileObjection {
  readonly type: 'FileObjection';
  readonly data: {
    readonly objectionId: string;
    readonly trackingCode: string;
    readonly nominationId: string;
    readonly named: boolean;
    readonly hasContact: boolean;
    readonly grounds: string;
    readonly today: string;
    readonly notice: NoticeForObjection;
    /** The rule versions to run; omitted, the ones in force. A filing records no decision, so no replay passes them. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

/** `awardingOrgPath`: root → the awarding body; the investigator works at it or above it. */
export interface AssignObjection {
  readonly type: 'AssignObjection';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly investigator: DecidedBy;
    readonly awardingOrgPath: readonly string[];
    readonly reason?: string;
    /** The tree copy's version of each organisation on `awardingOrgPath` (optional, recorded as inputs). */
    readonly orgVersions?: OrgVersions;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export interface UpholdObjection {
  readonly type: 'UpholdObjection';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly findings: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export interface DismissObjection {
  readonly type: 'DismissObjection';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly findings: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export type ObjectionCommand = FileObjection | AssignObjection | UpholdObjection | DismissObjection;
