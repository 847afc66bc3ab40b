export const PUBLIC_NOTICE_READ_MODEL = Symbol('PUBLIC_NOTICE_READ_MODEL');

/** One line of a notice: only what a notice shows (no ID number, no phone, no record of deeds). */
export interface PublicNoticeEntry {
  readonly nominationId: string;
  readonly category: string;
  readonly name: string;
  readonly orgName: string;
  readonly deedsSummary: string;
}

export interface PublicNotice {
  readonly programmeId: string;
  readonly programmeName: string;
  readonly round: number;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly days: number;
  readonly dayKind: 'calendar' | 'working';
  readonly entries: readonly PublicNoticeEntry[];
}

/** What an objector sees by the tracking code: the status and, once decided, the outcome — never the grounds of others. */
export interface ObjectionStatus {
  readonly trackingCode: string;
  readonly status: 'filed' | 'assigned' | 'upheld' | 'dismissed';
  readonly filedOn: string;
  readonly decidedAt: string | null;
}

export interface PublicNoticeReadModel {
  /** The programme's current round, or null when nothing was published. */
  notice(programmeId: string): Promise<PublicNotice | null>;
  objection(trackingCode: string): Promise<ObjectionStatus | null>;
}
