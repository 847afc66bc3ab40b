import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { eventContext } from '../command-context';
import { loadMemberInScope } from '../load';
import { RemoveMemberCommand } from './remove-member.command';

@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, memberId, reason }: RemoveMemberCommand): Promise<void> {
    return this.uow.run(async () => {
      const member = await loadMemberInScope(this.members, this.organizations, memberId, ctx.actor);
      member.leave(this.clock.today(), reason);
      await this.members.save(member);
      await this.outbox.add(member.pullEvents(), eventContext(ctx));
    });
  }
}
