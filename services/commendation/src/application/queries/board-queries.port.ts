export const BOARD_QUERIES = Symbol('BOARD_QUERIES');

export interface ProgrammeView {
  readonly programmeId: string;
  readonly name: string;
  readonly orgId: string;
  readonly level: string;
  readonly categories: string[];
  readonly years: number[];
  readonly timeline: unknown;
  /** `<unitOrgId>:<category>` → places. */
  readonly quotas: Record<string, number>;
  readonly version: number;
}

export interface NominationView {
  readonly nominationId: string;
  readonly programmeId: string;
  readonly category: string;
  readonly nominee: { kind: string; id: string; name: string; orgId: string; orgName: string };
  readonly nominatorOrgId: string;
  readonly unitOrgId: string;
  readonly deedsSummary: string;
  readonly status: string;
  readonly pending: { level: string; orgId: string; dueOn: string; overdue: boolean } | null;
  readonly noticedRound: number | null;
  readonly documentNumber: string | null;
  readonly levels: { level: string; orgId: string; outcome: string; late: boolean }[];
  readonly version: number;
}

/** 看板: per reviewing level, and for the whole programme. */
export interface Dashboard {
  readonly programmeId: string;
  readonly asOf: string;
  readonly totals: {
    nominated: number;
    underReview: number;
    endorsed: number;
    returned: number;
    rejected: number;
    shortlisted: number;
    underNotice: number;
    objectionsOpen: number;
    withdrawn: number;
    decided: number;
    revoked: number;
  };
  readonly levels: { level: string; awaiting: number; overdue: number; endorsed: number; returned: number; rejected: number }[];
}

export interface BoardQueriesPort {
  programme(programmeId: string): Promise<ProgrammeView | null>;
  programmesIn(subtreeOf: string): Promise<ProgrammeView[]>;
  nomination(nominationId: string, today: string): Promise<NominationView | null>;
  /** Nominations of a programme, those nominated from inside `subtreeOf`, optionally by status or awaiting `level`. */
  nominations(
    programmeId: string,
    subtreeOf: string,
    filter: { status?: string; awaiting?: string; overdueOn?: string; limit: number; offset: number },
    today: string,
  ): Promise<NominationView[]>;
  /** Counts over the nominations of a programme nominated from inside `subtreeOf`. */
  dashboard(programmeId: string, subtreeOf: string, today: string): Promise<Dashboard>;
}
