import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

/** The member leaves their organisation other than by transfer. */
export class RemoveMemberCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly memberId: string,
    readonly reason?: string,
  ) {
    super();
  }
}
