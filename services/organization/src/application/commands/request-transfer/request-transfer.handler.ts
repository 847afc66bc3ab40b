import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrganizationNotFoundError } from '../../../domain/organization/organization.errors';
import { addDays } from '../../../domain/shared/day';
import { MemberTransfer } from '../../../domain/transfer/member-transfer.aggregate';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { MEMBER_TRANSFER_REPOSITORY, type MemberTransferRepository } from '../../ports/member-transfer.repository.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { againIfTheMemberMoved, lockMemberStillIn, lockOrganizationsOfMember } from '../load';
import { RequestTransferCommand } from './request-transfer.command';

export const DEFAULT_TRANSFER_DAYS = 30;

@CommandHandler(RequestTransferCommand)
export class RequestTransferHandler implements ICommandHandler<RequestTransferCommand, { id: string }> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(MEMBER_TRANSFER_REPOSITORY) private readonly transfers: MemberTransferRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, memberId, toOrgId, deadline }: RequestTransferCommand): Promise<{ id: string }> {
    return againIfTheMemberMoved(this.uow, async () => {
      // Both organisations in id order, then the member (ADR 0129): a merge locks organisations,
      // then their members, so locking the member first deadlocked with it, and from→to with to→from.
      const { own: from, others } = await lockOrganizationsOfMember(this.members, this.organizations, memberId, ctx.actor, [toOrgId]);
      // The old organisation files the request, so the caller must hold it; the receiving one may be anywhere.
      await assertWithinScope(ctx.actor, from, this.organizations);
      const to = others.get(toOrgId);
      if (!to) throw new OrganizationNotFoundError(toOrgId);
      const member = await lockMemberStillIn(this.members, memberId, from.id);
      const today = this.clock.today();
      const transfer = MemberTransfer.request({
        id: this.ids.newId(),
        member,
        to,
        requestedOn: today,
        deadline: deadline ?? addDays(today, DEFAULT_TRANSFER_DAYS),
        openTransfersOfMember: await this.transfers.countOpenFor(member.id),
      });
      await this.transfers.save(transfer);
      await this.outbox.add(transfer.pullEvents(), eventContext(ctx));
      return { id: transfer.id };
    });
  }
}
