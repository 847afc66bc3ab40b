import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Organization } from '../../../domain/organization/organization.aggregate';
import { OrganizationCodeTakenError, OrganizationIdTakenError } from '../../../domain/organization/organization.errors';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { OutOfScopeError } from '../../scope/out-of-scope.error';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization } from '../load';
import { RegisterOrganizationCommand } from './register-organization.command';

@CommandHandler(RegisterOrganizationCommand)
export class RegisterOrganizationHandler implements ICommandHandler<RegisterOrganizationCommand, { id: string }> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute({ ctx, input }: RegisterOrganizationCommand): Promise<{ id: string }> {
    return this.uow.run(async () => {
      let parent: Organization | null = null;
      if (input.parentId === null) {
        // A new root is a province: only an administrator without a narrower scope may add one.
        if (!ctx.actor.roles.includes('admin')) throw new OutOfScopeError('(root)');
      } else {
        parent = await loadOrganization(this.organizations, input.parentId);
        await assertWithinScope(ctx.actor, parent, this.organizations);
      }
      const id = input.id ?? this.ids.newId();
      if (input.id && (await this.organizations.findById(input.id))) throw new OrganizationIdTakenError(input.id);
      if (await this.organizations.findByCode(input.code)) throw new OrganizationCodeTakenError(input.code);
      const org = Organization.register({ ...input, id }, parent);
      await this.organizations.save(org);
      await this.outbox.add(org.pullEvents(), eventContext(ctx));
      return { id };
    });
  }
}
