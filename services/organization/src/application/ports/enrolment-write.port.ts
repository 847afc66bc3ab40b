import type { Member } from '../../domain/member/member.aggregate';
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
}
