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

export interface ObjectionQueriesPort {
  objection(objectionId: string): Promise<ObjectionView | null>;
  ofProgramme(programmeId: string, status?: string): Promise<ObjectionView[]>;
}
