import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ContactPoint } from '../../../domain/contact-point/contact-point.aggregate';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONTACT_POINT_REPOSITORY, type ContactPointRepository } from '../../ports/contact-point.repository.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization } from '../load';
import { EstablishContactPointCommand } from './establish-contact-point.command';

@CommandHandler(EstablishContactPointCommand)
export class EstablishContactPointHandler implements ICommandHandler<EstablishContactPointCommand, { id: string }> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(CONTACT_POINT_REPOSITORY) private readonly contactPoints: ContactPointRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, input }: EstablishContactPointCommand): Promise<{ id: string }> {
    return this.uow.run(async () => {
      const org = await loadOrganization(this.organizations, input.orgId);
      await assertWithinScope(ctx.actor, org, this.organizations);
      const today = this.clock.today();
      const cp = ContactPoint.establish(
        { id: this.ids.newId(), org, leaderId: input.leaderId, leaderName: input.leaderName, establishedOn: input.establishedOn ?? today },
        today,
      );
      await this.contactPoints.save(cp);
      await this.outbox.add(cp.pullEvents(), eventContext(ctx));
      return { id: cp.id };
    });
  }
}
