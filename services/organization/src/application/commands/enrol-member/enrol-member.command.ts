import { Command } from '@nestjs/cqrs';
import type { MemberRole, MemberStatus, VanguardPost } from '../../../domain/member/member.vocabulary';
import type { CommandContext } from '../command-context';

export class EnrolMemberCommand extends Command<{ id: string }> {
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
