import { Command } from '@nestjs/cqrs';
import type { OrgKind, OrgLevel, Sector } from '../../../domain/organization/organization.vocabulary';
import type { CommandContext } from '../command-context';

export class RegisterOrganizationCommand extends Command<{ id: string }> {
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
