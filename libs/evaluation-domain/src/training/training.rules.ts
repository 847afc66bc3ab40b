import { MAX_CLASS_TRAINEES } from '@vanguard/contracts';
import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { LEADER_ROLES } from '../comment/comment.rules';
import { idsOf, type OrgPath } from '../org-path';
import type { RosterTrainee } from './training.commands';
import type { TrainingClassState } from './training.state';

export class TrainingClassIsOpenedOnceRule extends Rule {
  readonly id = 'evaluation.training.opened-once';
  readonly code = 'TRAINING.ALREADY_OPENED';
  readonly kind = 'conflict';
  readonly message = '该培训班已开班 / this class is opened already';
  constructor(private readonly state: TrainingClassState) {
    super();
  }
  isBroken(): boolean {
    return this.state.opened;
  }
}

/** 谁办班: a leader of the organising organisation or of one above it. */
export class TrainingIsRunByALeaderOfTheOrganiserRule extends Rule {
  readonly id = 'evaluation.training.run-by-organiser-leader';
  readonly code = 'TRAINING.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message = '只有办班组织或其上级的负责人可以办理 / a leader of the organising organisation or above runs the class';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: OrgPath,
  ) {
    super();
  }
  isBroken(): boolean {
    return !LEADER_ROLES.includes(this.decidedBy.role) || !idsOf(this.orgPath).includes(this.decidedBy.orgId);
  }
}

export class TrainingDatesAreInOrderRule extends Rule {
  readonly id = 'evaluation.training.dates-in-order';
  readonly code = 'TRAINING.BAD_DATES';
  readonly kind = 'invalid';
  readonly message = '结业日期不得早于开班日期 / a class ends on or after the day it starts';
  constructor(
    private readonly startsOn: string,
    private readonly endsOn: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.endsOn < this.startsOn;
  }
}

export class TrainingClassIsOpenRule extends Rule {
  readonly id = 'evaluation.training.class-open';
  readonly code = 'TRAINING.NOT_OPEN';
  readonly kind = 'conflict';
  readonly message = '培训班不存在或已结业 / no such class, or it has ended and its attendance is recorded';
  constructor(
    private readonly state: TrainingClassState,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.state.opened || this.state.attendanceRecorded || this.today > this.state.endsOn!;
  }
}

/** 学员从花名册中选: each trainee is an active member of the organiser's subtree per the roster, enrolled once. */
export class TraineesComeFromTheRosterRule extends Rule {
  readonly id = 'evaluation.training.trainees-from-roster';
  readonly code = 'TRAINING.NOT_ON_ROSTER';
  readonly kind = 'rule';
  readonly message =
    '学员须为办班组织范围内在册的党员，且不得重复报名 / trainees are active members of the organiser’s subtree, each enrolled once';
  constructor(
    private readonly state: TrainingClassState,
    private readonly trainees: readonly RosterTrainee[],
  ) {
    super();
  }
  isBroken(): boolean {
    const ids = this.trainees.map((t) => t.memberId);
    return (
      this.trainees.length === 0 ||
      new Set(ids).size !== ids.length ||
      ids.some((m) => this.state.trainees.includes(m)) ||
      this.trainees.some((t) => t.orgPath === null || !idsOf(t.orgPath).includes(this.state.orgId!))
    );
  }
}

/**
 * A class holds at most {@link MAX_CLASS_TRAINEES} trainees, as many as its one attendance record
 * carries: two enrolments of 300 made a class of 600 whose attendance no request could record
 * (500 rows are not every trainee; 600 fail the request and the contract), so it never completed.
 */
export class TrainingClassHoldsAtMostItsLimitRule extends Rule {
  readonly id = 'evaluation.training.at-most-trainees';
  readonly code = 'TRAINING.CLASS_FULL';
  readonly kind = 'rule';
  readonly message = `一个培训班至多 ${MAX_CLASS_TRAINEES} 名学员 / a class holds at most ${MAX_CLASS_TRAINEES} trainees`;
  constructor(
    private readonly enrolled: number,
    private readonly adding: number,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.enrolled + this.adding > MAX_CLASS_TRAINEES;
  }
}

/** Attendance is recorded once, after the class ended, for exactly its trainees, within its sessions. */
export class AttendanceIsOfTheEndedClassRule extends Rule {
  readonly id = 'evaluation.training.attendance-after-end';
  readonly code = 'TRAINING.BAD_ATTENDANCE';
  readonly kind = 'rule';
  readonly message =
    '结业后按学员名单一次性登记考勤，课时不得超过总课时 / attendance: once, after the end, every trainee, within the sessions';
  constructor(
    private readonly state: TrainingClassState,
    private readonly today: string,
    private readonly attendance: readonly { memberId: string; sessionsAttended: number }[],
  ) {
    super();
  }
  isBroken(): boolean {
    const s = this.state;
    if (!s.opened || s.attendanceRecorded || this.today < s.endsOn!) return true;
    const ids = this.attendance.map((a) => a.memberId);
    return (
      ids.length !== s.trainees.length ||
      new Set(ids).size !== ids.length ||
      ids.some((m) => !s.trainees.includes(m)) ||
      this.attendance.some((a) => a.sessionsAttended < 0 || a.sessionsAttended > s.sessions)
    );
  }
}

/** 结业: attending at least four fifths of the sessions completes the class (v1). */
export class TrainingCompletionRule extends Rule {
  readonly id = 'evaluation.training.completion';
  readonly code = 'TRAINING.COMPLETION';
  readonly kind = 'rule';
  readonly message = '出勤不少于总课时的五分之四方可结业 / four fifths of the sessions complete a class';
  constructor(
    private readonly sessions: number,
    private readonly attended: number,
  ) {
    super();
  }
  /** Never refuses: it decides `completed`, and is recorded so a replay uses the same threshold. */
  isBroken(): boolean {
    return false;
  }
  completed(): boolean {
    return this.attended * 5 >= this.sessions * 4;
  }
}
