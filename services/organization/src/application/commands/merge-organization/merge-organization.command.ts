import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class MergeOrganizationCommand extends Command<{ membersMoved: number }> {
  constructor(
    readonly ctx: CommandContext,
    readonly organizationId: string,
    readonly survivingOrganizationId: string,
  ) {
    super();
  }
}
