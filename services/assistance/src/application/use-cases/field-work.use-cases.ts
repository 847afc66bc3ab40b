import { Inject, Injectable } from '@nestjs/common';
import type { CadreRole } from '@vanguard/contracts';
import {
  dispatchCadre,
  issueContactCard,
  logVisit,
  recordDeed,
  writeDiaryEntry,
  type Cadre,
  type Deed,
} from '../../domain/field-work/field-work';
import type { CommandContext } from '../ports/context.port';
import { FIELD_WORK, PAIRINGS, type FieldWorkRepository, type PairingRepository } from '../ports/repositories.port';
import { ROSTER, type RosterPort } from '../ports/roster.port';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/system.port';
import { UNIT_OF_WORK, type Tx, type UnitOfWork } from '../ports/unit-of-work.port';
import { NotFoundError, organizationInScope, pairingInScope } from '../scope/scope';
import { villageInScope } from './village-access';

/** 驻村干部, 民情联系卡, 民情日记, 走访慰问, 办实事: the cadre's field work, each thing recorded once. */
@Injectable()
export class FieldWorkHandlers {
  constructor(
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(FIELD_WORK) private readonly work: FieldWorkRepository,
    @Inject(PAIRINGS) private readonly pairings: PairingRepository,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async dispatch(
    ctx: CommandContext,
    orgId: string,
    input: { memberId: string; role: CadreRole; sendingUnitName: string; from: string; to: string },
  ): Promise<{ id: string }> {
    const village = await villageInScope(this.roster, ctx.actor, orgId);
    const active = await this.roster.isActiveMember(input.memberId);
    return this.uow.run(async (tx) => {
      const overlapping = await this.work.overlappingDispatches(tx, input.memberId, village.id, input.from, input.to);
      const { cadre, events } = dispatchCadre({ id: this.ids.newId(), ...input }, village, active, overlapping);
      await this.work.insertCadre(tx, cadre, this.clock.now());
      await tx.publish(events, ctx);
      return { id: cadre.id };
    });
  }

  async registerHousehold(ctx: CommandContext, orgId: string, input: { label: string; headName: string }): Promise<{ id: string }> {
    const village = await villageInScope(this.roster, ctx.actor, orgId);
    const id = this.ids.newId();
    await this.uow.run((tx) => this.work.insertHousehold(tx, { id, orgId: village.id, ...input }, this.clock.now()));
    return { id };
  }

  issueCard(ctx: CommandContext, cadreId: string, householdId: string): Promise<void> {
    return this.uow.run(async (tx) => {
      const cadre = await this.cadreInScope(tx, ctx, cadreId);
      const household = await this.work.household(tx, householdId);
      // Someone else's household reads as no household: ids are not probed through a 422.
      if (!household || !(await organizationInScope(this.roster, ctx.actor, household.orgId, tx)))
        throw new NotFoundError('HOUSEHOLD', householdId);
      issueContactCard(cadre, household);
      await this.work.insertCard(tx, cadreId, householdId, this.clock.today());
    });
  }

  async writeDiary(ctx: CommandContext, cadreId: string, input: { writtenOn: string; text: string }): Promise<{ id: string }> {
    const id = this.ids.newId();
    await this.uow.run(async (tx) => {
      const cadre = await this.cadreInScope(tx, ctx, cadreId);
      writeDiaryEntry(cadre, input.writtenOn, this.clock.today());
      await this.work.insertDiaryEntry(tx, { id, cadreId, ...input }, this.clock.now());
    });
    return { id };
  }

  async logVisit(
    ctx: CommandContext,
    cadreId: string,
    input: { visitId?: string; visitedOn: string; householdIds: readonly string[]; summary: string },
  ): Promise<{ id: string }> {
    const id = input.visitId ?? this.ids.newId();
    await this.uow.run(async (tx) => {
      const cadre = await this.cadreInScope(tx, ctx, cadreId);
      const holders = await this.work.cardHolders(tx, cadreId, input.householdIds);
      const events = logVisit(cadre, { id, visitedOn: input.visitedOn, householdIds: input.householdIds }, holders, this.clock.today());
      await this.work.insertVisit(tx, { id, cadreId, orgId: cadre.orgId, ...input }, this.clock.now());
      await tx.publish(events, ctx);
    });
    return { id };
  }

  async recordDeed(ctx: CommandContext, orgId: string, input: Omit<Deed, 'id'> & { deedId?: string }): Promise<{ id: string }> {
    const village = await villageInScope(this.roster, ctx.actor, orgId);
    const { deedId, ...rest } = input;
    const deed: Deed = { ...rest, id: deedId ?? this.ids.newId() };
    await this.uow.run(async (tx) => {
      const by: { cadreOrgId?: string; pairingOrgId?: string } = {};
      if (deed.cadreId) by.cadreOrgId = (await this.cadreInScope(tx, ctx, deed.cadreId)).orgId;
      if (deed.pairingId) by.pairingOrgId = (await pairingInScope(this.pairings, this.roster, ctx.actor, deed.pairingId, tx)).orgId;
      const events = recordDeed(deed, village, by, this.clock.today());
      await this.work.insertDeed(tx, deed, village.id, this.clock.now());
      await tx.publish(events, ctx);
    });
    return { id: deed.id };
  }

  private async cadreInScope(tx: Tx, ctx: CommandContext, cadreId: string): Promise<Cadre> {
    const cadre = await this.work.cadre(tx, cadreId);
    if (!cadre || !(await organizationInScope(this.roster, ctx.actor, cadre.orgId, tx))) throw new NotFoundError('CADRE', cadreId);
    return cadre;
  }
}
