import type { Member } from '../../domain/member/member.aggregate';
import type { Actor } from './actor';
import type { IdNumberHolder } from './id-number-checks.port';
import type { EventContext } from './outbox.port';

export const ENROLMENT_WRITE = Symbol('EnrolmentWrite');

/**
 * A new member, their first history entries and their events written in one autocommit
 * statement, only if their organisation is still active at the version the command read
 * (ADR 0082). False: something came between, nothing was written, and the command takes the
 * locked path.
 */
export interface EnrolmentWrite {
  enrolIfUnchanged(
    member: Member,
    organization: { readonly id: string; readonly version: number },
    context: EventContext,
  ): Promise<boolean>;
  /**
   * The same for an enrolment held for review (its number is held outside the caller's subtree,
   * ADR 0011): one guarded statement that writes the hold, so that a held enrolment and a fresh
   * one take the same round trips and cannot be told apart by their time.
   */
  holdIfUnchanged(
    checkId: string,
    actor: Actor,
    organization: { readonly id: string; readonly version: number },
    holder: IdNumberHolder,
  ): Promise<boolean>;
}
