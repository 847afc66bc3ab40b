import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

/** The receiving organisation accepts or rejects a requested transfer. */
export class DecideTransferCommand extends Command<void> {
  constructor(
    readonly ctx: CommandContext,
    readonly transferId: string,
    readonly decision: 'accept' | 'reject',
    readonly reason?: string,
  ) {
    super();
  }
}
