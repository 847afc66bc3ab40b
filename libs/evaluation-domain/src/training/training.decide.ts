import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs } from '../org-path';
import type { EnrolTrainees, OpenTrainingClass, RecordTrainingAttendance, TrainingClassCommand } from './training.commands';
import type { TrainingClassEvent } from './training.events';
import {
  AttendanceIsOfTheEndedClassRule,
  TraineesComeFromTheRosterRule,
  TrainingClassIsOpenedOnceRule,
  TrainingClassHoldsAtMostItsLimitRule,
  TrainingClassIsOpenRule,
  TrainingCompletionRule,
  TrainingDatesAreInOrderRule,
  TrainingIsRunByALeaderOfTheOrganiserRule,
} from './training.rules';
import { evolve, initialState, type TrainingClassState } from './training.state';

const stream = (s: TrainingClassState) => ({ streamId: `training-class-${s.classId}`, version: s.version });

export function openTrainingClass({ data }: OpenTrainingClass, state: TrainingClassState): TrainingClassEvent[] {
  checkRule(new TrainingClassIsOpenedOnceRule(state));
  const right = new TrainingIsRunByALeaderOfTheOrganiserRule(data.decidedBy, data.orgPath);
  checkRule(right);
  checkRule(new TrainingDatesAreInOrderRule(data.startsOn, data.endsOn));
  const { orgPath, decidedBy, reason, ...opened } = data;
  return [
    {
      type: 'evaluation.TrainingClassOpened',
      data: { ...opened, decision: { decidedBy, inputs: pathInputs(orgPath), rule: ruleRef(right), reason } },
    },
  ];
}

export function enrolTrainees({ data }: EnrolTrainees, state: TrainingClassState): TrainingClassEvent[] {
  checkRule(new TrainingClassIsOpenRule(state, data.today));
  checkRule(new TrainingClassHoldsAtMostItsLimitRule(state.trainees.length, data.trainees.length));
  const right = new TrainingIsRunByALeaderOfTheOrganiserRule(data.decidedBy, data.orgPath);
  checkRule(right);
  const roster = new TraineesComeFromTheRosterRule(state, data.trainees);
  checkRule(roster);
  return [
    {
      type: 'evaluation.TraineesEnrolled',
      data: {
        classId: state.classId!,
        trainees: data.trainees.map((t) => ({ memberId: t.memberId, orgId: t.orgId! })),
        decision: {
          decidedBy: data.decidedBy,
          inputs: [stream(state), ...pathInputs(data.orgPath)],
          rule: ruleRef(roster),
          checks: [ruleRef(right)],
          reason: data.reason,
        },
      },
    },
  ];
}

export function recordTrainingAttendance({ data }: RecordTrainingAttendance, state: TrainingClassState): TrainingClassEvent[] {
  const right = new TrainingIsRunByALeaderOfTheOrganiserRule(data.decidedBy, data.orgPath);
  checkRule(right);
  checkRule(new AttendanceIsOfTheEndedClassRule(state, data.today, data.attendance));
  const attendance = data.attendance.map((a) => ({
    memberId: a.memberId,
    sessionsAttended: a.sessionsAttended,
    completed: new TrainingCompletionRule(state.sessions, a.sessionsAttended).completed(),
  }));
  return [
    {
      type: 'evaluation.TrainingAttendanceRecorded',
      data: {
        classId: state.classId!,
        attendance,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [stream(state), ...pathInputs(data.orgPath)],
          rule: ruleRef(new TrainingCompletionRule(state.sessions, 0)),
          checks: [ruleRef(right)],
          reason: data.reason,
        },
      },
    },
  ];
}

export function decide(command: TrainingClassCommand, state: TrainingClassState): TrainingClassEvent[] {
  switch (command.type) {
    case 'OpenTrainingClass':
      return openTrainingClass(command, state);
    case 'EnrolTrainees':
      return enrolTrainees(command, state);
    case 'RecordTrainingAttendance':
      return recordTrainingAttendance(command, state);
  }
}

/** 教育培训: one stream per class — opened, trainees enrolled from the roster, attendance and completion after it ends. */
export const trainingClassDecider: Decider<TrainingClassCommand, TrainingClassState, TrainingClassEvent> = {
  initialState,
  evolve,
  decide,
};
