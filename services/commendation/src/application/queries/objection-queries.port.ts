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

/** One page of a programme's objections, by filing day and then id; `after` is the last objection id of the page before. */
export interface ObjectionPageQuery {
  readonly status?: string;
  readonly after?: string;
  readonly limit: number;
}

/**
 * A page and what judges it: the programme's awarding body (null for a programme not known here),
 * and whether `after` is an objection of the programme (always, without one).
 */
export interface ObjectionPage {
  readonly awardingOrgId: string | null;
  readonly cursorFound: boolean;
  readonly objections: readonly ObjectionView[];
}

export interface ObjectionQueriesPort {
  objection(objectionId: string): Promise<ObjectionView | null>;
  ofProgramme(programmeId: string, page: ObjectionPageQuery): Promise<ObjectionPage>;
}
