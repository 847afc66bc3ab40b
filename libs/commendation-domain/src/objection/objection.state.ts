import type { DecidedBy } from '../decided-by';
import type { ObjectionEvent } from './objection.events';

/** filed → assigned (again, on reassignment) → upheld | dismissed. Open while filed or assigned. */
export type ObjectionStatus = 'none' | 'filed' | 'assigned' | 'upheld' | 'dismissed';

export interface ObjectionState {
  readonly status: ObjectionStatus;
  readonly version: number;
  readonly objectionId: string | null;
  readonly programmeId: string | null;
  readonly nominationId: string | null;
  readonly awardingOrgId: string | null;
  readonly trackingCode: string | null;
  readonly investigator: DecidedBy | null;
  readonly findings: string | null;
}

export const initialState = (): ObjectionState => ({
  status: 'none',
  version: 0,
  objectionId: null,
  programmeId: null,
  nominationId: null,
  awardingOrgId: null,
  trackingCode: null,
  investigator: null,
  findings: null,
});

export function evolve(state: ObjectionState, event: ObjectionEvent): ObjectionState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'commendation.ObjectionFiled': {
      const d = event.data;
      return {
        ...s,
        status: 'filed',
        objectionId: d.objectionId,
        programmeId: d.programmeId,
        nominationId: d.nominationId,
        awardingOrgId: d.awardingOrgId,
        trackingCode: d.trackingCode,
      };
    }
    case 'commendation.ObjectionAssigned':
      return { ...s, status: 'assigned', investigator: event.data.investigator };
    case 'commendation.ObjectionUpheld':
      return { ...s, status: 'upheld', findings: event.data.findings };
    case 'commendation.ObjectionDismissed':
      return { ...s, status: 'dismissed', findings: event.data.findings };
  }
}

export const objectionStreamId = (objectionId: string): string => `objection-${objectionId}`;

/** An open objection holds up the programme's decision. */
export const isOpenObjection = (status: ObjectionStatus): boolean => status === 'filed' || status === 'assigned';
