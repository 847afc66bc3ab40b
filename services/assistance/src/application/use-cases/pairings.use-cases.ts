import { Inject, Injectable } from '@nestjs/common';
import { checkRule } from '@vanguard/kernel';
import { HelperUnitMustBeAnActiveOrganisation } from '../../domain/shared/village';
import { formPairing, type FormPairing } from '../../domain/pairing/pairing';
import type { CommandContext } from '../ports/context.port';
import { PAIRINGS, type PairingRepository } from '../ports/repositories.port';
import { ROSTER, type RosterPort } from '../ports/roster.port';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/system.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.port';
import { villageInScope } from './village-access';

/** 结对帮扶: forms a pairing with a village in the caller's subtree. */
@Injectable()
export class FormPairingHandler {
  constructor(
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(PAIRINGS) private readonly pairings: PairingRepository,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(ctx: CommandContext, orgId: string, input: Omit<FormPairing, 'id'>): Promise<{ id: string }> {
    const village = await villageInScope(this.roster, ctx.actor, orgId);
    if (input.helperOrgId)
      checkRule(new HelperUnitMustBeAnActiveOrganisation(input.helperOrgId, await this.roster.organization(input.helperOrgId)));
    const { pairing, events } = formPairing({ ...input, id: this.ids.newId() }, village);
    await this.uow.run(async (tx) => {
      await this.pairings.insert(tx, pairing, ctx.actor, this.clock.now());
      await tx.publish(events, ctx);
    });
    return { id: pairing.id };
  }
}
