import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

export class CompleteTransferCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly transferId: string,
  ) {
    super();
  }
}
