import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class MoveOrganizationCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly organizationId: string,
    readonly newParentId: string,
    /** Defaults to the new parent's code followed by the organisation's own segment. */
    readonly newCode?: string,
  ) {
    super();
  }
}
