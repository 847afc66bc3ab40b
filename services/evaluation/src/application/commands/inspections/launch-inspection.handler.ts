import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { MAX_DRAW_CANDIDATES } from '@vanguard/contracts';
import { inspectionDecider, type LaunchInspection } from '@vanguard/evaluation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { INSPECTION_CANDIDATES, type InspectionCandidatesPort } from '../../ports/inspection-candidates.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { readPathOrFail } from '../pledge-access';
import { inspectionStream } from './inspection-access';

export interface LaunchInspectionInput {
  readonly topic: string;
  readonly group: { readonly name: string; readonly leader: string; readonly members: readonly string[]; readonly scopeOrgId: string };
  readonly selection:
    | { readonly kind: 'special'; readonly units: readonly string[] }
    | { readonly kind: 'random'; readonly count: number; readonly level?: string };
  readonly reason: string;
}

/**
 * 督导检查: reads the scope's path and either the named units' paths (special) or every candidate
 * below the scope (random), generates the draw's seed here — never taken from the caller, so no one
 * picks a seed that draws the units they like — and lets the decider draw and record.
 */
@Injectable()
export class LaunchInspectionHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(INSPECTION_CANDIDATES) private readonly candidates: InspectionCandidatesPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async execute(input: LaunchInspectionInput, ctx: CommandContext): Promise<{ inspectionId: string; units: string[]; version: number }> {
    const by = decidedBy(ctx);
    const scopeOrgId = input.group.scopeOrgId;
    const scopePath = await readPathOrFail(this.tree, scopeOrgId);
    if (!this.tree.isWithin(ctx.caller.orgId, scopeOrgId)) throw new OutOfScopeError();
    const selection: LaunchInspection['data']['selection'] =
      input.selection.kind === 'special'
        ? { kind: 'special', unitPaths: await Promise.all(input.selection.units.map((u) => readPathOrFail(this.tree, u))) }
        : {
            kind: 'random',
            seed: randomBytes(16).toString('hex'),
            // One more than a draw may record: a scope past it is refused by the decider, not cut short.
            candidates: await this.candidates.under(scopeOrgId, input.selection.level, MAX_DRAW_CANDIDATES + 1),
            count: input.selection.count,
          };
    const inspectionId = this.ids.next();
    const stream = inspectionStream(inspectionId);
    const { state, version } = await this.streams.load(stream, inspectionDecider);
    const events = inspectionDecider.decide(
      {
        type: 'LaunchInspection',
        data: {
          inspectionId,
          topic: input.topic,
          launchedOn: this.clock.today(),
          group: { ...input.group, members: [...input.group.members] },
          selection,
          scopePath,
          decidedBy: by,
          reason: input.reason,
        },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, scopeOrgId));
    return { inspectionId, units: [...events[0]!.data.units], version: next };
  }
}
