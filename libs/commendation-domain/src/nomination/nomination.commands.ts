import type { AwardCategory, ContractData, NominationSubmitted, OrgLevel } from '@vanguard/contracts';
import type { RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy, OrgVersions, StreamRead } from '../decided-by';
import type { EligibilityFacts } from '../eligibility/eligibility.facts';
import type { ProgrammeFacts } from '../programme/programme.facts';

export type Nominee = ContractData<typeof NominationSubmitted>['nominee'];
export type Deeds = ContractData<typeof NominationSubmitted>['deeds'];
export type ReviewStep = ContractData<typeof NominationSubmitted>['chain'][number];

/** One organisation on a path from the root, with its level, from the service's tree copy. */
export interface OrgOnPath {
  readonly orgId: string;
  readonly level: OrgLevel;
}

/**
 * The places of the nomination's unit (the unit directly below the awarding body on the
 * nominator's path) in its category, as the handler read them: `places` from the programme
 * stream, `used` = the other standing nominations (not rejected, withdrawn or found
 * ineligible) of the same programme, category and unit that the acting level has forwarded
 * already — submitted, for the nominating level; endorsed by it, for a review level.
 */
export interface QuotaFacts {
  readonly places: number;
  readonly used: number;
  /** The unit's places stream as counted (`places-<programmeId>.<unitOrgId>`), recorded as an input when given. */
  readonly stream?: StreamRead;
}

/**
 * `nominatorOrgPath`: root → the nominating organisation, with levels. `nomineeOrgPath`: root →
 * the nominee's organisation (the organisation itself when an organisation is nominated).
 * `alreadyNominated`: another standing nomination of this nominee in this programme and
 * category, if the handler's projection has one. `eligibility`: the nominee's facts from the
 * projection of evaluation's events.
 */
export interface SubmitNomination {
  readonly type: 'SubmitNomination';
  readonly data: {
    readonly nominationId: string;
    readonly category: AwardCategory;
    readonly nominee: Nominee;
    readonly deeds: Deeds;
    readonly nominatorOrgPath: readonly OrgOnPath[];
    readonly nomineeOrgPath: readonly string[];
    readonly programme: ProgrammeFacts;
    readonly quota: QuotaFacts;
    readonly alreadyNominated: StreamRead | null;
    readonly eligibility: EligibilityFacts;
    readonly today: string;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
    /** The tree copy's version of each organisation on the two paths, recorded as inputs (optional). */
    readonly orgVersions?: OrgVersions;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

/** Runs the programme's policies again on fresh facts (e.g. when a new grade arrives from evaluation). */
export interface CheckEligibility {
  readonly type: 'CheckEligibility';
  readonly data: {
    readonly programme: ProgrammeFacts;
    readonly eligibility: EligibilityFacts;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
  };
}

/** `programme`: the programme stream as read for `quota.places`. */
export interface EndorseNomination {
  readonly type: 'EndorseNomination';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly reason: string;
    readonly today: string;
    readonly programme: StreamRead;
    readonly quota: QuotaFacts;
  };
}

export interface ReturnNomination {
  readonly type: 'ReturnNomination';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly reason: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export interface RejectNomination {
  readonly type: 'RejectNomination';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly reason: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export interface AmendNomination {
  readonly type: 'AmendNomination';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly deeds: Deeds;
    readonly programme: ProgrammeFacts;
    readonly eligibility: EligibilityFacts;
    readonly reason?: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

/** Noted by the service's sweep (or when the overdue list is read) with the day it read. */
export interface NoteReviewOverdue {
  readonly type: 'NoteReviewOverdue';
  readonly data: { readonly today: string };
}

/** The objection as the handler read it from `objection-<objectionId>`. */
export interface ObjectionOutcomeFacts {
  readonly objectionId: string;
  readonly streamId: string;
  readonly version: number;
  readonly nominationId: string;
  readonly upheld: boolean;
  readonly findings: string;
}

/** `decidedBy`: the investigator who upheld the objection (the withdrawal follows from it). */
export interface WithdrawNomination {
  readonly type: 'WithdrawNomination';
  readonly data: { readonly decidedBy: DecidedBy; readonly objection: ObjectionOutcomeFacts };
}

/**
 * The programme's public notice as the handler read it from `public-notice-<programmeId>`:
 * its latest round, that round's last day, and whether this nomination is on it.
 */
export interface NoticeFacts {
  readonly streamId: string;
  readonly version: number;
  readonly round: number;
  readonly endsOn: string;
  readonly listed: boolean;
}

/**
 * `openObjections`: every objection of the programme that is neither upheld nor dismissed (or
 * upheld against this nomination). `closedObjections`: the programme's other objections, as read;
 * recorded as the decision's `objections` when given, unless there are more than the record
 * holds (`MAX_RECORDED_OBJECTIONS`; ADR 0080).
 */
export interface DecideCommendation {
  readonly type: 'DecideCommendation';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly documentNumber: string;
    readonly today: string;
    readonly notice: NoticeFacts;
    readonly openObjections: readonly StreamRead[];
    readonly closedObjections?: readonly StreamRead[];
    readonly reason?: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export interface RevokeCommendation {
  readonly type: 'RevokeCommendation';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly reason: string;
    readonly today: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export type NominationCommand =
  | SubmitNomination
  | CheckEligibility
  | EndorseNomination
  | ReturnNomination
  | RejectNomination
  | AmendNomination
  | NoteReviewOverdue
  | WithdrawNomination
  | DecideCommendation
  | RevokeCommendation;
