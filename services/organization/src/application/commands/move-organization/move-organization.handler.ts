import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { OrganizationNotFoundError } from '../../../domain/organization/organization.errors';
import { loadOrganization, loadOrganizationsInLockOrder } from '../load';
import { MoveOrganizationCommand } from './move-organization.command';

@CommandHandler(MoveOrganizationCommand)
export class MoveOrganizationHandler implements ICommandHandler<MoveOrganizationCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, organizationId, newParentId, newCode }: MoveOrganizationCommand): Promise<void> {
    return this.uow.run(async () => {
      // Read unlocked first, and refused there out of scope: a caller outside it locks no subtree.
      const seen = (await this.organizations.scopeFacts([organizationId])).get(organizationId);
      if (!seen) throw new OrganizationNotFoundError(organizationId);
      await assertWithinScope(ctx.actor, { id: organizationId, ...seen }, this.organizations);
      // The organisation, both parents and its subtree, in id order before any is read locked (ADR
      // 0129): a merge locks its two in id order, and the move, taking the organisation first,
      // deadlocked with a merge of it into its parent (15 of 40 such races answered 503). The
      // reads below find them held, and check scope again on what they hold.
      await this.organizations.lockInIdOrder([organizationId, newParentId, ...(seen.parentId ? [seen.parentId] : [])], organizationId);
      const org = await loadOrganization(this.organizations, organizationId);
      await assertWithinScope(ctx.actor, org, this.organizations);
      const [newParent, currentParent] = org.parentId
        ? await loadOrganizationsInLockOrder(this.organizations, [newParentId, org.parentId])
        : [await loadOrganization(this.organizations, newParentId), null];
      await assertWithinScope(ctx.actor, newParent, this.organizations);
      // Held since the first lock; what was registered below meanwhile is taken too: the codes checked are the ones rewritten.
      const descendants = await this.organizations.lockSubtree(org.id);
      org.moveUnder(newParent, currentParent, this.clock.today(), descendants, newCode);
      await this.organizations.save(org);
      await this.outbox.add(org.pullEvents(), eventContext(ctx));
    });
  }
}
