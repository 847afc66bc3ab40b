import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { eventContext } from '../command-context';
import { againIfTheMemberMoved, lockMemberInScope } from '../load';
import { MakeMemberFullCommand } from './make-member-full.command';

/** MemberBecameFull in the member's transaction; the saved status reaches the member-state topic too. */
@CommandHandler(MakeMemberFullCommand)
export class MakeMemberFullHandler implements ICommandHandler<MakeMemberFullCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, memberId, fullOn }: MakeMemberFullCommand): Promise<void> {
    return againIfTheMemberMoved(this.uow, async () => {
      // His organisation (shared), then the member (ADR 0129), as every member command takes them.
      const member = await lockMemberInScope(this.members, this.organizations, memberId, ctx.actor);
      member.becomeFull(fullOn, this.clock.today());
      await this.members.save(member);
      await this.outbox.add(member.pullEvents(), eventContext(ctx));
    });
  }
}
