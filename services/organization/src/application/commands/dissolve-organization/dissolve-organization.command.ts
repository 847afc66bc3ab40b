import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class DissolveOrganizationCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly organizationId: string,
    readonly reason?: string,
  ) {
    super();
  }
}
