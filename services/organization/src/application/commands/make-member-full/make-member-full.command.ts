import { Command } from '@nestjs/cqrs';
import type { Day } from '../../../domain/shared/day';
import type { CommandContext } from '../command-context';

/** 预备党员转正: the member is full from `fullOn`, the day his probation ended. */
export class MakeMemberFullCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly memberId: string,
    readonly fullOn: Day,
  ) {
    super();
  }
}
