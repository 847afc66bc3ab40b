import { Command } from '@nestjs/cqrs';
import type { MemberRole, MemberStatus, VanguardPost } from '../../../domain/member/member.vocabulary';
import type { MemberDetailView } from '../../ports/organization-read-model.port';
import type { CommandContext } from '../command-context';

/** The enrolled member as the caller sees it (a held enrolment looks the same: ADR 0011). */
export interface EnrolMemberResult {
  readonly id: string;
  readonly member: MemberDetailView;
}

export class EnrolMemberCommand extends Command<EnrolMemberResult> {
  constructor(
    readonly ctx: CommandContext,
    readonly input: {
      readonly orgId: string;
      readonly name: string;
      readonly status: MemberStatus;
      readonly joinedOn: string;
      readonly roles: readonly MemberRole[];
      readonly posts: readonly VanguardPost[];
      readonly idNumber?: string | null;
      readonly phone?: string | null;
    },
  ) {
    super();
  }
}
