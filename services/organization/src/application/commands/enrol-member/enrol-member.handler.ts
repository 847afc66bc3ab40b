import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Member } from '../../../domain/member/member.aggregate';
import { OrganizationMustBeActiveRule } from '../../../domain/organization/rules/organization-must-be-active.rule';
import { checkRule } from '../../../domain/shared/business-rule';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization } from '../load';
import { EnrolMemberCommand } from './enrol-member.command';

@CommandHandler(EnrolMemberCommand)
export class EnrolMemberHandler implements ICommandHandler<EnrolMemberCommand, { id: string }> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, input }: EnrolMemberCommand): Promise<{ id: string }> {
    return this.uow.run(async () => {
      // A shared lock: enrolments into one branch run side by side, a dissolution waits for them.
      const org = await loadOrganization(this.organizations, input.orgId, 'share');
      assertWithinScope(ctx.actor, org.id, org.path);
      checkRule(new OrganizationMustBeActiveRule(org.status, '接收党员 / receive members'));
      const member = Member.join({ ...input, id: this.ids.newId() }, this.clock.today());
      await this.members.save(member);
      await this.outbox.add(member.pullEvents(), eventContext(ctx));
      return { id: member.id };
    });
  }
}
