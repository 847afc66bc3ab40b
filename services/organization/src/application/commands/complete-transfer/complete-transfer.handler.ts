import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_TRANSFER_REPOSITORY, type MemberTransferRepository } from '../../ports/member-transfer.repository.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { isWithinScope } from '../../scope/access-scope';
import { OutOfScopeError } from '../../scope/out-of-scope.error';
import { eventContext } from '../command-context';
import { loadMember, loadOrganizationsInLockOrder, loadTransfer } from '../load';
import { CompleteTransferCommand } from './complete-transfer.command';

@CommandHandler(CompleteTransferCommand)
export class CompleteTransferHandler implements ICommandHandler<CompleteTransferCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(MEMBER_TRANSFER_REPOSITORY) private readonly transfers: MemberTransferRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, transferId }: CompleteTransferCommand): Promise<void> {
    return this.uow.run(async () => {
      const transfer = await loadTransfer(this.transfers, transferId);
      const [from, to] = await loadOrganizationsInLockOrder(this.organizations, [transfer.fromOrgId, transfer.toOrgId]);
      // Either side may record completion once the receiving organisation has accepted.
      if (!(await isWithinScope(ctx.actor, from, this.organizations)) && !(await isWithinScope(ctx.actor, to, this.organizations)))
        throw new OutOfScopeError(transfer.id);
      const member = await loadMember(this.members, transfer.memberId);
      transfer.complete(member, to, this.clock.today());
      await this.transfers.save(transfer);
      await this.members.save(member);
      await this.outbox.add([...transfer.pullEvents(), ...member.pullEvents()], eventContext(ctx));
    });
  }
}
