import { HttpException, HttpStatus } from '@nestjs/common';
import { positiveIntFromEnv } from '@vanguard/infra-config';

/**
 * A member import checks the ID numbers in its file against the members already
 * registered, so it could be used to ask "is this person a registered member?" (ADR 0011).
 * These rules keep every import from serving as that lookup:
 * - the answer a file gets only ever concerns the caller's own subtree;
 * - every check is recorded (who, when, dry or real, how many ID numbers);
 * - each caller has a budget per hour, and exhausting it is flagged to the level above;
 * - the rows held for review (each one tells its caller "registered elsewhere", ADR 0126) have a
 *   budget of their own, past which every check of the caller is refused, whatever its number.
 */
export interface IdNumberCheckLimits {
  /** Member imports (dry or real) one user may start per window. */
  readonly jobsPerWindow: number;
  /** ID numbers one user's imports may check per window. */
  readonly idNumbersPerWindow: number;
  /** Rows one user's imports and enrolments may have held for review per window. */
  readonly holdsPerWindow: number;
  readonly windowMinutes: number;
}

export function idNumberCheckLimits(env: NodeJS.ProcessEnv = process.env): IdNumberCheckLimits {
  const n = (name: string, fallback: number): number => positiveIntFromEnv(env, name, fallback);
  return {
    jobsPerWindow: n('ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW', 20),
    idNumbersPerWindow: n('ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW', 50_000),
    holdsPerWindow: n('ORGANIZATION_ID_CHECK_HOLDS_PER_WINDOW', 10),
    windowMinutes: n('ORGANIZATION_ID_CHECK_WINDOW_MINUTES', 60),
  };
}

/** What one user's member imports checked in the current window. */
export interface IdNumberCheckUsage {
  readonly jobs: number;
  readonly idNumbers: number;
  readonly held: number;
}

// The budget rule itself (room for another job and for the ID numbers asked, reserved before
// they are checked) is the database function `reserve_id_number_checks`
// (migration IdNumberCheckReservations1764800000000): it must read and grant under one lock.

export class IdNumberChecksExhaustedError extends HttpException {
  constructor(limits: IdNumberCheckLimits) {
    super(
      {
        code: 'IMPORT.ID_CHECKS_EXHAUSTED',
        message: `本时段党员导入次数已达上限，已报上级组织 / member imports in this window are used up (${limits.jobsPerWindow} imports, ${limits.idNumbersPerWindow} ID numbers or ${limits.holdsPerWindow} rows held for review per ${limits.windowMinutes} min); the organisation above yours has been told`,
        retryAfterSec: limits.windowMinutes * 60,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * How a row whose ID number is already held by an active member is answered. Inside the
 * caller's subtree the caller may know its own members: the row is refused as a duplicate.
 * Outside it, a dry run answers as for an unregistered number, and a real import holds the
 * row for the organisation above the caller to review, counting it among the accepted rows.
 */
export type DuplicateAnswer = 'refuse' | 'pass' | 'hold';

export function answerForDuplicate(insideCallersSubtree: boolean, dryRun: boolean): DuplicateAnswer {
  if (insideCallersSubtree) return 'refuse';
  return dryRun ? 'pass' : 'hold';
}

/**
 * The refusal a caller may get about its own subtree's members: the field and the reason,
 * nothing about anyone elsewhere.
 */
export class IdNumberTakenInSubtreeError extends HttpException {
  constructor() {
    const reason = '该身份证号已登记为本组织范围内的在册党员 / a member with this idNumber is already registered in your subtree';
    super({ code: 'MEMBER.ID_NUMBER_TAKEN', message: reason, errors: [{ field: 'idNumber', reason }] }, HttpStatus.CONFLICT);
  }
}
