import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class RenameOrganizationCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly organizationId: string,
    readonly name: string,
  ) {
    super();
  }
}
