import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MEMBER_TRANSFER_REPOSITORY, type MemberTransferRepository } from '../../ports/member-transfer.repository.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization } from '../load';
import { DissolveOrganizationCommand } from './dissolve-organization.command';

@CommandHandler(DissolveOrganizationCommand)
export class DissolveOrganizationHandler implements ICommandHandler<DissolveOrganizationCommand, void> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_TRANSFER_REPOSITORY) private readonly transfers: MemberTransferRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, organizationId, reason }: DissolveOrganizationCommand): Promise<void> {
    return this.uow.run(async () => {
      // Transfers before the organisation, in the order accepting or completing one locks them.
      await this.transfers.openTo(organizationId);
      const org = await loadOrganization(this.organizations, organizationId);
      await assertWithinScope(ctx.actor, org, this.organizations);
      const today = this.clock.today();
      org.dissolve(await this.organizations.census(org.id), today, reason);
      // Its members are gone already (the census), but transfers towards it could neither be
      // accepted, completed nor (once accepted) rejected any more: they end with it (ADR 0120).
      // Each ended one publishes MemberTransferCancelled, beside OrganizationDissolved (ADR 0129).
      const transfers = await this.transfers.openTo(org.id);
      for (const transfer of transfers) {
        transfer.endBecauseTheReceiverWasDissolved(today);
        await this.transfers.save(transfer);
      }
      await this.organizations.save(org);
      await this.outbox.add([...org.pullEvents(), ...transfers.flatMap((t) => t.pullEvents())], eventContext(ctx));
    });
  }
}
