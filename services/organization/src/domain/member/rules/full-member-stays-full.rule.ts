import type { BusinessRule } from '../../shared/business-rule';
import type { MemberStatus } from '../member.vocabulary';

/**
 * Once full, a member is never probationary again (party constitution, Article 7). A county roster
 * stating him probationary is out of date — most often it has not heard of a 转正 recorded in the
 * console — and is refused rather than undoing it (ADR 0154). A status stored full by mistake is
 * corrected by the organisation department, not by a county's sync.
 */
export class FullMemberStaysFullRule implements BusinessRule {
  readonly code = 'MEMBER.ALREADY_FULL';
  readonly kind = 'conflict' as const;
  readonly message = '该党员已是正式党员，不能改回预备党员 / the member is full and cannot become probationary again';
  constructor(
    private readonly current: MemberStatus,
    private readonly stated: MemberStatus,
  ) {}
  isBroken(): boolean {
    return this.current === 'full' && this.stated === 'probationary';
  }
}
