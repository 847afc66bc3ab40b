export const OBJECTION_QUERIES = Symbol('OBJECTION_QUERIES');

export interface ObjectionView {
  readonly objectionId: string;
  readonly trackingCode: string;
  readonly programmeId: string;
  readonly nominationId: string;
  readonly awardingOrgId: string;
  readonly round: number;
  readonly status: 'filed' | 'assigned' | 'upheld' | 'dismissed';
  readonly filedOn: string;
  readonly grounds: string;
  readonly investigator: { sub: string; role: string; orgId: string } | null;
  readonly findings: string | null;
  readonly version: number;
}

/** One page of a programme's objections, oldest filed first; `after` is the last objection id of the page before. */
export interface ObjectionPageQuery {
  readonly status?: string;
  readonly after?: string;
  readonly limit: number;
}

export interface ObjectionQueriesPort {
  objection(objectionId: string): Promise<ObjectionView | null>;
  /** Null when `after` names no objection of the programme: the cursor is not one this list gave out. */
  ofProgramme(programmeId: string, page: ObjectionPageQuery): Promise<ObjectionView[] | null>;
}
