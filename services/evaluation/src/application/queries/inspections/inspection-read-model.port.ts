export const INSPECTION_READ_MODEL = Symbol('INSPECTION_READ_MODEL');

/** One inspection in a list: what it is and where it stands, not its draw (read one for that). */
export interface InspectionSummary {
  readonly inspectionId: string;
  readonly kind: 'special' | 'random';
  readonly topic: string;
  readonly launchedOn: string;
  readonly group: { readonly name: string; readonly leader: string; readonly scopeOrgId: string };
  /** How many units it inspects, and at how many it has recorded findings so far. */
  readonly units: number;
  readonly unitsWithFindings: number;
  readonly version: number;
}

export interface InspectionPage {
  readonly items: InspectionSummary[];
  readonly total: number;
}

/** 督导检查 of a subtree from `inspection_view`: those whose group's scope lies in it, newest first. */
export interface InspectionReadModelPort {
  list(q: { readonly subtreeOf: string; readonly limit: number; readonly offset: number }): Promise<InspectionPage>;
}
