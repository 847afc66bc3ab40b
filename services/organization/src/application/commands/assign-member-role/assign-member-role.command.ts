import { Command } from '@nestjs/cqrs';
import type { MemberRole } from '../../../domain/member/member.vocabulary';
import type { CommandContext } from '../command-context';

export class AssignMemberRoleCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly memberId: string,
    readonly role: MemberRole,
  ) {
    super();
  }
}
