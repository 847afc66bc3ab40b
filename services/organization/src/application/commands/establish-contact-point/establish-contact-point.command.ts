import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class EstablishContactPointCommand extends Command<{ id: string }> {
  constructor(
    readonly ctx: CommandContext,
    readonly input: { readonly orgId: string; readonly leaderId: string; readonly leaderName: string; readonly establishedOn?: string },
  ) {
    super();
  }
}
