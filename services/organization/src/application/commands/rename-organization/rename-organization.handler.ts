import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization } from '../load';
import { RenameOrganizationCommand } from './rename-organization.command';

@CommandHandler(RenameOrganizationCommand)
export class RenameOrganizationHandler implements ICommandHandler<RenameOrganizationCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
  ) {}

  execute({ ctx, organizationId, name }: RenameOrganizationCommand): Promise<void> {
    return this.uow.run(async () => {
      const org = await loadOrganization(this.organizations, organizationId);
      await assertWithinScope(ctx.actor, org, this.organizations);
      org.rename(name);
      await this.organizations.save(org);
      await this.outbox.add(org.pullEvents(), eventContext(ctx));
    });
  }
}
