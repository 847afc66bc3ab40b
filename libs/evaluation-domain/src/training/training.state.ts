import type { TrainingClassEvent } from './training.events';

export interface TrainingClassState {
  readonly opened: boolean;
  readonly version: number;
  readonly classId: string | null;
  readonly orgId: string | null;
  readonly startsOn: string | null;
  readonly endsOn: string | null;
  readonly sessions: number;
  readonly trainees: readonly string[];
  readonly attendanceRecorded: boolean;
}

export const initialState = (): TrainingClassState => ({
  opened: false,
  version: 0,
  classId: null,
  orgId: null,
  startsOn: null,
  endsOn: null,
  sessions: 0,
  trainees: [],
  attendanceRecorded: false,
});

export function evolve(state: TrainingClassState, event: TrainingClassEvent): TrainingClassState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.TrainingClassOpened': {
      const d = event.data;
      return { ...s, opened: true, classId: d.classId, orgId: d.orgId, startsOn: d.startsOn, endsOn: d.endsOn, sessions: d.sessions };
    }
    case 'evaluation.TraineesEnrolled':
      return { ...s, trainees: [...s.trainees, ...event.data.trainees.map((t) => t.memberId)] };
    case 'evaluation.TrainingAttendanceRecorded':
      return { ...s, attendanceRecorded: true };
  }
}
