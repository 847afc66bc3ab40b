import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_TRANSFER_REPOSITORY, type MemberTransferRepository } from '../../ports/member-transfer.repository.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganizationsInLockOrder } from '../load';
import { MergeOrganizationCommand } from './merge-organization.command';

@CommandHandler(MergeOrganizationCommand)
export class MergeOrganizationHandler implements ICommandHandler<MergeOrganizationCommand, { membersMoved: number }> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(MEMBER_TRANSFER_REPOSITORY) private readonly transfers: MemberTransferRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, organizationId, survivingOrganizationId }: MergeOrganizationCommand): Promise<{ membersMoved: number }> {
    return this.uow.run(async () => {
      // The open transfers, the organisations (in id order), then their members: the one order of
      // every command that changes transfers (ADR 0120, 0129), so none can deadlock with a merge.
      await this.transfers.openInvolving(organizationId);
      const [org, survivor] = await loadOrganizationsInLockOrder(this.organizations, [organizationId, survivingOrganizationId]);
      await assertWithinScope(ctx.actor, org, this.organizations);
      await assertWithinScope(ctx.actor, survivor, this.organizations);
      const today = this.clock.today();
      org.mergeInto(survivor, await this.organizations.census(org.id), today);
      const members = await this.members.activeOf(org.id);
      for (const m of members) m.moveWithMergedOrganization(survivor.id, today);
      // All at once: saving a village's members one by one held the organisations' locks for tens of seconds.
      await this.members.saveAll(members);
      // Read again under the organisations' locks: a transfer requested meanwhile has committed.
      // Its side of each open transfer is the survivor's now, as its members are (ADR 0120); one
      // left between the survivor and itself ends, with MemberTransferCancelled (ADR 0129).
      const transfers = await this.transfers.openInvolving(org.id);
      for (const transfer of transfers) {
        transfer.followMerge(org.id, survivor.id, today);
        await this.transfers.save(transfer);
      }
      await this.organizations.save(org);
      await this.outbox.add([...org.pullEvents(), ...transfers.flatMap((t) => t.pullEvents())], eventContext(ctx));
      return { membersMoved: members.length };
    });
  }
}
