import { Inject, Injectable } from '@nestjs/common';
import {
  ASSIGNING_ROLES,
  INVESTIGATOR_ROLE,
  nominationDecider,
  objectionDecider,
  objectionOutcome,
  objectionStreamId,
  type ObjectionState,
} from '@vanguard/commendation-domain';
import { DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type Loaded, type StreamWrite, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { orgPathOrEmpty, orgVersionsOf } from '../load-or-fail';
import { NominationFacts } from '../nominations/nomination-facts';
import { UnitPlaces, againOnConcurrentChange } from '../nominations/unit-places';
import { OBJECTOR_CONTACTS, type ObjectorContactsPort } from './objector-contacts.port';

export class ObjectionNotFoundError extends DomainError {
  constructor(objectionId: string) {
    super('OBJECTION.NOT_FOUND', 'not_found', `没有这件异议 / no objection ${objectionId}`);
  }
}

/**
 * The objection, or ObjectionNotFoundError: also for a caller outside the awarding body's subtree,
 * as GET /objections/:id answers, so no route tells another county that it exists (a probe read
 * assign's 403 and conclude's 409 so).
 */
async function loadObjection(
  streams: StreamsPort,
  tree: OrgTreePort,
  objectionId: string,
  ctx: CommandContext,
): Promise<Loaded<ObjectionState> & { streamId: string }> {
  const streamId = objectionStreamId(objectionId);
  const loaded = await streams.load(streamId, objectionDecider);
  if (loaded.state.status === 'none' || !tree.isWithin(ctx.caller.orgId, loaded.state.awardingOrgId!))
    throw new ObjectionNotFoundError(objectionId);
  return { ...loaded, streamId };
}

/** 交办: the awarding body assigns the objection to an inspector (the caller, when no one else is named). */
@Injectable()
export class AssignObjectionHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async execute(
    objectionId: string,
    input: { investigator?: { sub: string; orgId: string }; reason?: string },
    ctx: CommandContext,
  ): Promise<{ version: number }> {
    const by = decidedBy(ctx, ASSIGNING_ROLES);
    const { state, version, streamId } = await loadObjection(this.streams, this.tree, objectionId, ctx);
    // Someone else named is taken as the inspector the assigner says they are (no directory here:
    // the investigation's rules and the contact's release check that person's own token). The
    // assigner named as investigator is who their token says, so an organiser cannot make himself one.
    const named = input.investigator;
    const investigator = !named || named.sub === ctx.caller.sub ? by : { ...named, role: INVESTIGATOR_ROLE };
    const path = await orgPathOrEmpty(this.tree, state.awardingOrgId!);
    const events = objectionDecider.decide(
      {
        type: 'AssignObjection',
        data: {
          decidedBy: by,
          investigator,
          awardingOrgPath: path.map((o) => o.id),
          orgVersions: orgVersionsOf(path),
          ...(input.reason ? { reason: input.reason } : {}),
        },
      },
      state,
    );
    return { version: await this.streams.append(streamId, events, version, streamContext(ctx, state.awardingOrgId!)) };
  }
}

/**
 * 核查结论: the assigned inspector upholds or dismisses, with findings. Upheld, the objection's
 * conclusion, the nomination's withdrawal (citing the objection at its new version) and the
 * places it gives back are one append over the three streams: a crash cannot leave an upheld
 * objection beside a standing nomination. The objector's details are erased once concluded.
 */
@Injectable()
export class ConcludeObjectionHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(OBJECTOR_CONTACTS) private readonly contacts: ObjectorContactsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    private readonly facts: NominationFacts,
    private readonly places: UnitPlaces,
  ) {}

  async execute(objectionId: string, upheld: boolean, findings: string, ctx: CommandContext): Promise<{ version: number }> {
    const next = await againOnConcurrentChange(() => this.attempt(objectionId, upheld, findings, ctx));
    await this.contacts.erase(objectionId);
    return { version: next };
  }

  private async attempt(objectionId: string, upheld: boolean, findings: string, ctx: CommandContext): Promise<number> {
    const by = decidedBy(ctx, [INVESTIGATOR_ROLE]);
    const { state, version, streamId } = await loadObjection(this.streams, this.tree, objectionId, ctx);
    const events = objectionDecider.decide(
      { type: upheld ? 'UpholdObjection' : 'DismissObjection', data: { decidedBy: by, findings } },
      state,
    );
    const writes: StreamWrite[] = [{ streamId, events, expectedVersion: version, context: streamContext(ctx, state.awardingOrgId!) }];
    if (upheld)
      writes.push(
        ...(await this.withdrawal(
          events.reduce((s, e) => objectionDecider.evolve(s, e), state),
          by,
          ctx,
        )),
      );
    const [next] = await this.streams.appendAll(writes);
    return next!;
  }

  /** The nomination's withdrawal and the places it gives back, decided on the objection as concluded. */
  private async withdrawal(objection: ObjectionState, by: ReturnType<typeof decidedBy>, ctx: CommandContext): Promise<StreamWrite[]> {
    const { state, version, streamId } = await this.facts.nomination(objection.nominationId!);
    const events = nominationDecider.decide(
      { type: 'WithdrawNomination', data: { decidedBy: by, objection: objectionOutcome(objection) } },
      state,
    );
    // Withdrawn by an earlier objection, or rejected: the objection concludes alone.
    if (events.length === 0) return [];
    const context = streamContext(ctx, state.nominatorOrgId!);
    const places = await this.places.read(state.programmeId!, state.unitOrgId!);
    const released = this.places.release(places, { state, version, events }, 'withdrawn', by, objection.findings ?? '');
    return [{ streamId, events, expectedVersion: version, context }, this.places.write(places, released, context, state.unitOrgId!)];
  }
}
