import { Command } from '@nestjs/cqrs';
import type { VanguardPost } from '../../../domain/member/member.vocabulary';
import type { CommandContext } from '../command-context';

export class GrantVanguardPostCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly memberId: string,
    readonly post: VanguardPost,
  ) {
    super();
  }
}
