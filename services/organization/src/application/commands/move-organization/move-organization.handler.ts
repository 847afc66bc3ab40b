import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
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
      const org = await loadOrganization(this.organizations, organizationId);
      await assertWithinScope(ctx.actor, org, this.organizations);
      // Both parents in id order: two organisations swapping parents at once would otherwise
      // each hold one parent and wait for the other.
      const [newParent, currentParent] = org.parentId
        ? await loadOrganizationsInLockOrder(this.organizations, [newParentId, org.parentId])
        : [await loadOrganization(this.organizations, newParentId), null];
      await assertWithinScope(ctx.actor, newParent, this.organizations);
      // After both parents, as save() locked it before: the codes checked are the ones rewritten.
      const descendants = await this.organizations.lockSubtree(org.id);
      org.moveUnder(newParent, currentParent, this.clock.today(), descendants, newCode);
      await this.organizations.save(org);
      await this.outbox.add(org.pullEvents(), eventContext(ctx));
    });
  }
}
