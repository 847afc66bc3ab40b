import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_TRANSFER_REPOSITORY, type MemberTransferRepository } from '../../ports/member-transfer.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization, loadTransfer } from '../load';
import { DecideTransferCommand } from './decide-transfer.command';

@CommandHandler(DecideTransferCommand)
export class DecideTransferHandler implements ICommandHandler<DecideTransferCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_TRANSFER_REPOSITORY) private readonly transfers: MemberTransferRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, transferId, decision, reason }: DecideTransferCommand): Promise<void> {
    return this.uow.run(async () => {
      const transfer = await loadTransfer(this.transfers, transferId);
      const receiver = await loadOrganization(this.organizations, transfer.toOrgId);
      await assertWithinScope(ctx.actor, receiver, this.organizations);
      const today = this.clock.today();
      if (decision === 'accept') transfer.accept(receiver, today);
      else transfer.reject(today, reason ?? '');
      await this.transfers.save(transfer);
      await this.outbox.add(transfer.pullEvents(), eventContext(ctx));
    });
  }
}
