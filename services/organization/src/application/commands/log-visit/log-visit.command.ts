import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class LogVisitCommand extends Command<{ id: string }> {
  constructor(
    readonly ctx: CommandContext,
    readonly contactPointId: string,
    readonly visit: { readonly visitedOn: string; readonly visited: string; readonly solved: string },
  ) {
    super();
  }
}
