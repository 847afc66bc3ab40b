import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../command-context';

/** Filed by the member's current organisation. */
export class RequestTransferCommand extends Command<{ id: string }> {
  constructor(
    readonly ctx: CommandContext,
    readonly memberId: string,
    readonly toOrgId: string,
    /** Defaults to 30 days after the request. */
    readonly deadline?: string,
  ) {
    super();
  }
}
