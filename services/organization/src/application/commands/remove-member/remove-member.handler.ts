import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_TRANSFER_REPOSITORY, type MemberTransferRepository } from '../../ports/member-transfer.repository.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { eventContext } from '../command-context';
import { againIfTheMemberMoved, lockMemberInScope } from '../load';
import { RemoveMemberCommand } from './remove-member.command';

@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(MEMBER_TRANSFER_REPOSITORY) private readonly transfers: MemberTransferRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, memberId, reason }: RemoveMemberCommand): Promise<void> {
    return againIfTheMemberMoved(this.uow, async () => {
      // The open transfer, the organisation (shared), then the member: the order accepting or
      // completing a transfer and a merge take them (ADR 0129); the member first deadlocked with a merge.
      await this.transfers.openOf(memberId);
      const member = await lockMemberInScope(this.members, this.organizations, memberId, ctx.actor);
      const today = this.clock.today();
      member.leave(today, today, reason);
      // Read again under the member's lock (one requested meanwhile has committed): whoever leaves
      // takes no transfer along; accepting or completing it would move someone who is gone.
      const transfer = await this.transfers.openOf(member.id);
      if (transfer) {
        transfer.endBecauseTheMemberLeft(today);
        await this.transfers.save(transfer);
      }
      await this.members.save(member);
      // MemberLeft first: it is why the transfer ended (MemberTransferCancelled), on the same stream.
      await this.outbox.add([...member.pullEvents(), ...(transfer?.pullEvents() ?? [])], eventContext(ctx));
    });
  }
}
