import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { eventContext } from '../command-context';
import { againIfTheMemberMoved, lockMemberInScope } from '../load';
import { AssignMemberRoleCommand } from './assign-member-role.command';

@CommandHandler(AssignMemberRoleCommand)
export class AssignMemberRoleHandler implements ICommandHandler<AssignMemberRoleCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, memberId, role }: AssignMemberRoleCommand): Promise<void> {
    return againIfTheMemberMoved(this.uow, async () => {
      // His organisation (shared), then the member (ADR 0129): the order a merge takes them; the
      // member first deadlocked with a merge of his organisation.
      const member = await lockMemberInScope(this.members, this.organizations, memberId, ctx.actor);
      member.assignRole(role, this.clock.today());
      await this.members.save(member);
      await this.outbox.add(member.pullEvents(), eventContext(ctx));
    });
  }
}
