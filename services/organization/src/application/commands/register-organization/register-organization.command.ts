import { Command } from '@nestjs/cqrs';
import type { OrgKind, OrgLevel, Sector } from '../../../domain/organization/organization.vocabulary';
import type { OrganizationView } from '../../ports/organization-read-model.port';
import type { CommandContext } from '../command-context';

/** The new organisation's id and the organisation as stored, for the answer. */
export interface RegisteredOrganization {
  readonly id: string;
  readonly organization: OrganizationView;
}

export class RegisterOrganizationCommand extends Command<RegisteredOrganization> {
  constructor(
    readonly ctx: CommandContext,
    readonly input: {
      readonly id?: string;
      readonly code: string;
      readonly name: string;
      readonly level: OrgLevel;
      readonly kind: OrgKind;
      readonly sector: Sector;
      readonly parentId: string | null;
      readonly establishedOn: string;
      readonly temporary: boolean;
    },
  ) {
    super();
  }
}
