import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Organization } from '../../../domain/organization/organization.aggregate';
import { OrganizationCodeTakenError, OrganizationIdTakenError } from '../../../domain/organization/organization.errors';
import type { Actor } from '../../ports/actor';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import type { OrganizationView } from '../../ports/organization-read-model.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { OutOfScopeError } from '../../scope/out-of-scope.error';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext } from '../command-context';
import { loadOrganization } from '../load';
import { RegisterOrganizationCommand, type RegisteredOrganization } from './register-organization.command';

@CommandHandler(RegisterOrganizationCommand)
export class RegisterOrganizationHandler implements ICommandHandler<RegisterOrganizationCommand, RegisteredOrganization> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ ctx, input }: RegisterOrganizationCommand): Promise<RegisteredOrganization> {
    return this.uow.run(async () => {
      let parent: Organization | null = null;
      if (input.parentId === null) {
        await this.assertMayRegisterRoot(ctx.actor);
      } else {
        parent = await loadOrganization(this.organizations, input.parentId);
        await assertWithinScope(ctx.actor, parent, this.organizations);
      }
      const id = input.id ?? this.ids.newId();
      if (input.id && (await this.organizations.findById(input.id))) throw new OrganizationIdTakenError(input.id);
      if (await this.organizations.findByCode(input.code)) throw new OrganizationCodeTakenError(input.code);
      const org = Organization.register({ ...input, id }, parent, this.clock.today());
      await this.organizations.save(org);
      await this.outbox.add(org.pullEvents(), eventContext(ctx));
      return { id, organization: registeredView(org) };
    });
  }

  /**
   * A new root (a province) lies outside every existing subtree, a county administrator's
   * included: only an administrator whose own organisation is an active root may add one.
   * Refused before anything is written.
   */
  private async assertMayRegisterRoot(actor: Actor): Promise<void> {
    if (!actor.roles.includes('admin') || !actor.orgId) throw new OutOfScopeError('(root)');
    const own = await this.organizations.findById(actor.orgId, 'share');
    if (!own || own.status !== 'active' || own.parentId !== null) throw new OutOfScopeError('(root)');
  }
}

/**
 * The organisation as this transaction wrote it. The caller answers with it rather than with a
 * scoped read after the commit: a new root lies outside its own registrar's subtree, and a
 * refused read-back would have answered a stored registration with a 403.
 */
function registeredView(org: Organization): OrganizationView {
  return {
    id: org.id,
    code: org.code,
    name: org.name,
    level: org.level,
    kind: org.kind,
    sector: org.sector,
    parentId: org.parentId,
    path: org.path,
    establishedOn: org.establishedOn,
    temporary: org.temporary,
    status: org.status,
    mergedIntoId: org.mergedIntoId,
  };
}
