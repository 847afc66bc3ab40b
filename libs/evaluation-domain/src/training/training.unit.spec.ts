import { TrainingAttendanceRecorded } from '@vanguard/contracts';
import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero } from '../org-path';
import type { RosterTrainee, TrainingClassCommand } from './training.commands';
import { trainingClassDecider } from './training.decide';
import type { TrainingClassEvent } from './training.events';
import {
  AttendanceIsOfTheEndedClassRule,
  TraineesComeFromTheRosterRule,
  TrainingClassHoldsAtMostItsLimitRule,
  TrainingClassIsOpenedOnceRule,
  TrainingClassIsOpenRule,
  TrainingDatesAreInOrderRule,
  TrainingIsRunByALeaderOfTheOrganiserRule,
} from './training.rules';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const OTHER_TOWNSHIP = '00000000-0000-4000-8000-000910425102';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const CLASS = '01930000-0000-7000-8000-0000000000a1';
const M1 = '01930000-0000-7000-8000-0000000000c1';
const M2 = '01930000-0000-7000-8000-0000000000c2';
const TOWNSHIP_PATH = pathAtVersionZero([COUNTY, TOWNSHIP]);
const secretary = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
const trainee = (memberId: string, path: string[] | null = [COUNTY, TOWNSHIP, VILLAGE]): RosterTrainee => ({
  memberId,
  orgId: path ? path[path.length - 1]! : null,
  orgPath: path ? pathAtVersionZero(path) : null,
});

const open = (over: Partial<{ startsOn: string; endsOn: string; decidedBy: typeof secretary }> = {}): TrainingClassCommand => ({
  type: 'OpenTrainingClass',
  data: {
    classId: CLASS,
    orgId: TOWNSHIP,
    topic: '新任村党组织书记培训',
    base: '松岭旗委党校',
    targetGroup: 'branch_secretaries',
    startsOn: over.startsOn ?? '2011-06-20',
    endsOn: over.endsOn ?? '2011-06-24',
    sessions: 10,
    orgPath: TOWNSHIP_PATH,
    decidedBy: over.decidedBy ?? secretary,
    reason: '年度培训计划',
  },
});
const enrol = (trainees: RosterTrainee[], today = '2011-06-15'): TrainingClassCommand => ({
  type: 'EnrolTrainees',
  data: { trainees, today, orgPath: TOWNSHIP_PATH, decidedBy: secretary, reason: '按花名册报名' },
});
const attend = (attendance: { memberId: string; sessionsAttended: number }[], today = '2011-06-25'): TrainingClassCommand => ({
  type: 'RecordTrainingAttendance',
  data: { attendance, today, orgPath: TOWNSHIP_PATH, decidedBy: secretary, reason: '考勤登记' },
});
const spec = specificationFor(trainingClassDecider);
const decided = (commands: TrainingClassCommand[]): TrainingClassEvent[] => {
  let state = trainingClassDecider.initialState();
  const all: TrainingClassEvent[] = [];
  for (const c of commands) {
    const events = trainingClassDecider.decide(c, state);
    state = events.reduce(trainingClassDecider.evolve, state);
    all.push(...events);
  }
  return all;
};
const opened = () => decided([open()]);
const enrolled = () => decided([open(), enrol([trainee(M1), trainee(M2)])]);

describe('trainingClassDecider', () => {
  it('opens a class by a leader of the organiser, recording the path read and the rule', () =>
    spec
      .given([])
      .when(open())
      .thenMatches((e) =>
        expect(e[0]!.data).toMatchObject({
          targetGroup: 'branch_secretaries',
          decision: { rule: { id: 'evaluation.training.run-by-organiser-leader', version: 1 }, inputs: [{}, {}] },
        }),
      ));
  it('refuses a leader of another township', () =>
    spec
      .given([])
      .when(open({ decidedBy: { ...secretary, orgId: OTHER_TOWNSHIP } }))
      .thenRefuses(TrainingIsRunByALeaderOfTheOrganiserRule));
  it('refuses a class that ends before it starts', () =>
    spec
      .given([])
      .when(open({ endsOn: '2011-06-19' }))
      .thenRefuses(TrainingDatesAreInOrderRule));
  it('opens once', () => spec.given(opened()).when(open()).thenRefuses(TrainingClassIsOpenedOnceRule));

  it('enrols members of the organiser’s subtree from the roster, with their organisation', () =>
    spec
      .given(opened())
      .when(enrol([trainee(M1)]))
      .thenMatches((e) => expect(e[0]!.data).toMatchObject({ trainees: [{ memberId: M1, orgId: VILLAGE }] })));
  it('refuses a member the roster does not hold as active', () =>
    spec
      .given(opened())
      .when(enrol([trainee(M1, null)]))
      .thenRefuses(TraineesComeFromTheRosterRule));
  it('refuses a member of another township', () =>
    spec
      .given(opened())
      .when(enrol([trainee(M1, [COUNTY, OTHER_TOWNSHIP])]))
      .thenRefuses(TraineesComeFromTheRosterRule));
  it('refuses enrolling someone twice', () =>
    spec
      .given(enrolled())
      .when(enrol([trainee(M1)]))
      .thenRefuses(TraineesComeFromTheRosterRule));
  it('refuses enrolment after the class ended', () =>
    spec
      .given(opened())
      .when(enrol([trainee(M1)], '2011-06-25'))
      .thenRefuses(TrainingClassIsOpenRule));

  it('completes a trainee who attended four fifths of the sessions, not one who attended fewer', () =>
    spec
      .given(enrolled())
      .when(
        attend([
          { memberId: M1, sessionsAttended: 8 },
          { memberId: M2, sessionsAttended: 7 },
        ]),
      )
      .thenMatches((e) =>
        expect(e[0]!.data).toMatchObject({
          attendance: [
            { memberId: M1, sessionsAttended: 8, completed: true },
            { memberId: M2, sessionsAttended: 7, completed: false },
          ],
          decision: { rule: { id: 'evaluation.training.completion', version: 1 } },
        }),
      ));
  it('refuses attendance before the class ends', () =>
    spec
      .given(enrolled())
      .when(
        attend(
          [
            { memberId: M1, sessionsAttended: 8 },
            { memberId: M2, sessionsAttended: 8 },
          ],
          '2011-06-23',
        ),
      )
      .thenRefuses(AttendanceIsOfTheEndedClassRule));
  it('refuses attendance that leaves out a trainee or exceeds the sessions', () => {
    spec
      .given(enrolled())
      .when(attend([{ memberId: M1, sessionsAttended: 8 }]))
      .thenRefuses(AttendanceIsOfTheEndedClassRule);
    spec
      .given(enrolled())
      .when(
        attend([
          { memberId: M1, sessionsAttended: 11 },
          { memberId: M2, sessionsAttended: 8 },
        ]),
      )
      .thenRefuses(AttendanceIsOfTheEndedClassRule);
  });
  it('holds at most 500 trainees, so a full class still records its attendance in one event that passes its contract', () => {
    const member = (i: number) => `01930000-0000-7000-8000-${String(1000 + i).padStart(12, '0')}`;
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => trainee(member(from + i)));
    const full = decided([open(), enrol(batch(0, 300)), enrol(batch(300, 200))]);
    spec
      .given(full)
      .when(enrol(batch(500, 1)))
      .thenRefuses(TrainingClassHoldsAtMostItsLimitRule);
    spec
      .given(decided([open(), enrol(batch(0, 300))]))
      .when(enrol(batch(300, 201)))
      .thenRefuses(TrainingClassHoldsAtMostItsLimitRule);
    spec
      .given(full)
      .when(attend(Array.from({ length: 500 }, (_, i) => ({ memberId: member(i), sessionsAttended: 9 }))))
      .thenMatches(([e]) => expect(TrainingAttendanceRecorded.schema.safeParse(e!.data).success).toBe(true));
  });
});
