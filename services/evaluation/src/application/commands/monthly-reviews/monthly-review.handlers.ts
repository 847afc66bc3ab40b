import { Inject, Injectable } from '@nestjs/common';
import {
  commentDecider,
  cycleOfMonth,
  monthlyReviewDecider,
  MONTHLY_REVIEW_RUBRIC_IN_FORCE,
  ZONE_MAX_UNITS,
  ZoneIsDesignatedByAnOrganizerOverTheCampaignRule,
  zoneDecider,
} from '@vanguard/evaluation-domain';
import { checkRule, DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { INSPECTION_CANDIDATES, type InspectionCandidatesPort } from '../../ports/inspection-candidates.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { loadCampaignInScope } from '../campaign-access';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { commentStream } from '../comment-access/comment-access';
import { readPathOrFail } from '../pledge-access';
import { ZONED_UNITS, type ZonedUnitsPort } from '../../ports/zoned-units.port';
import { loadRoundVisible, loadZoneVisible, monthlyReviewStream, roundIdOf, zoneStream } from './monthly-review-access';

class NoCyclePlannedError extends DomainError {
  constructor() {
    super('CAMPAIGN.NO_CYCLE', 'rule', '活动尚未安排季度 / the campaign has no cycle planned');
  }
}

export interface DesignateZoneInput {
  readonly campaignId: string;
  readonly name: string;
  readonly leader: string;
  /** Units named one by one, and/or every organisation below `under.orgId` (of `under.level`), read from the tree copy. */
  readonly units: readonly string[];
  readonly under?: { readonly orgId: string; readonly level?: string };
  readonly reason: string;
}

/** 划分片区, 月度观摩点评: each method loads what its decision needs, lets the decider decide, appends. */
@Injectable()
export class MonthlyReviewHandlers {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(INSPECTION_CANDIDATES) private readonly candidates: InspectionCandidatesPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
    @Inject(ZONED_UNITS) private readonly zoned: ZonedUnitsPort,
  ) {}

  async designateZone(input: DesignateZoneInput, ctx: CommandContext): Promise<{ zoneId: string; units: number; version: number }> {
    const by = decidedBy(ctx);
    const campaign = await loadCampaignInScope(this.streams, this.tree, ctx, input.campaignId);
    const rootPath = await readPathOrFail(this.tree, campaign.orgId);
    const below = input.under ? await this.candidates.under(input.under.orgId, input.under.level, ZONE_MAX_UNITS + 1) : [];
    const units = [...new Set([...input.units, ...below.map((c) => c.orgId).sort()])];
    // The decider checks it again; first here, so a caller without the right never queues for the campaign's lock.
    checkRule(new ZoneIsDesignatedByAnOrganizerOverTheCampaignRule(by, rootPath));
    const zoneId = this.ids.next();
    // One designation of the campaign at a time: the units other zones hold stay as read until the append,
    // which commits only while the campaign's lock is held.
    return this.zoned.exclusively(input.campaignId, async (append) => {
      const unitsZoned = await this.zoned.heldByZones(input.campaignId, units);
      const { state, version } = await this.streams.load(zoneStream(zoneId), zoneDecider);
      const events = zoneDecider.decide(
        {
          type: 'DesignateZone',
          data: {
            zoneId,
            name: input.name,
            leader: input.leader,
            units,
            designatedOn: this.clock.today(),
            campaign: { campaignId: input.campaignId, version: campaign.version, rootPath },
            unitsOutside: units.filter((u) => !this.tree.isWithin(campaign.orgId, u)),
            unitsZoned,
            decidedBy: by,
            reason: input.reason,
          },
        },
        state,
      );
      const next = await append(zoneStream(zoneId), events, version, streamContext(ctx, campaign.orgId));
      return { zoneId, units: units.length, version: next };
    });
  }

  async open(
    zoneId: string,
    input: { month: string; rubricVersion?: number; reason: string },
    ctx: CommandContext,
  ): Promise<{ roundId: string; version: number }> {
    const by = decidedBy(ctx);
    const { zone, version: zoneVersion, root } = await loadZoneVisible(this.streams, this.tree, ctx, zoneId);
    const cycles = root.campaign.cycles;
    if (cycles.length === 0) throw new NoCyclePlannedError();
    // The quarter the month falls in; with none, the nearest one before it, which the decider's rule refuses.
    const cycle = cycleOfMonth(cycles, input.month)!;
    const roundId = roundIdOf(zoneId, input.month);
    const stream = monthlyReviewStream(roundId);
    const { state, version } = await this.streams.load(stream, monthlyReviewDecider);
    const events = monthlyReviewDecider.decide(
      {
        type: 'OpenMonthlyReview',
        data: {
          roundId,
          month: input.month,
          openedOn: this.clock.today(),
          zone: {
            zoneId,
            campaignId: zone.campaignId,
            leader: zone.leader,
            units: zone.units,
            version: zoneVersion,
            rootPath: root.rootPath,
          },
          cycle: { ...cycle, campaignVersion: root.version },
          rubricVersion: input.rubricVersion ?? MONTHLY_REVIEW_RUBRIC_IN_FORCE,
          decidedBy: by,
          reason: input.reason,
        },
      },
      state,
    );
    return { roundId, version: await this.streams.append(stream, events, version, streamContext(ctx, root.campaign.orgId)) };
  }

  /** One batch of one scorer's points: one event, appended at the version read (a concurrent batch answers 409 and is resent). */
  async score(
    roundId: string,
    input: { scores: readonly { orgId: string; points: readonly number[] }[]; reason: string },
    ctx: CommandContext,
  ): Promise<{ version: number }> {
    const by = decidedBy(ctx);
    const { state, version, rootPath } = await loadRoundVisible(this.streams, this.tree, ctx, roundId);
    const events = monthlyReviewDecider.decide(
      {
        type: 'RecordMonthlyReviewScores',
        data: { scoredOn: this.clock.today(), scores: input.scores, rootPath, decidedBy: by, reason: input.reason },
      },
      state,
    );
    return {
      version: await this.streams.append(monthlyReviewStream(roundId), events, version, streamContext(ctx, rootPath.at(-1)!.orgId)),
    };
  }

  async conclude(roundId: string, input: { reason: string }, ctx: CommandContext) {
    const by = decidedBy(ctx);
    const { state, version, rootPath } = await loadRoundVisible(this.streams, this.tree, ctx, roundId);
    const events = monthlyReviewDecider.decide(
      { type: 'ConcludeMonthlyReview', data: { concludedOn: this.clock.today(), rootPath, decidedBy: by, reason: input.reason } },
      state,
    );
    const next = await this.streams.append(monthlyReviewStream(roundId), events, version, streamContext(ctx, rootPath.at(-1)!.orgId));
    const concluded = events[0]!;
    if (concluded.type !== 'evaluation.MonthlyReviewConcluded') throw new Error(concluded.type);
    return { version: next, results: concluded.data.results, unscored: concluded.data.unscored };
  }

  /** 观摩发现问题 → 限期整改: a findings stream of the comment category, as inspections do (ADR 0038, 0047). */
  async recordFindings(
    roundId: string,
    input: {
      orgId: string;
      summary: string;
      findings: readonly { problem: string; rectification: string; deadline: string }[];
      reason: string;
    },
    ctx: CommandContext,
  ): Promise<{ commentId: string; findingIds: string[]; version: number }> {
    const by = decidedBy(ctx);
    const loaded = await loadRoundVisible(this.streams, this.tree, ctx, roundId);
    // Only a unit of the round has its path read: any other is the round's rule's refusal (422), never a
    // 404 that would tell a reviewer which ids the tree copy holds.
    const orgPath = loaded.round.units.includes(input.orgId) ? await readPathOrFail(this.tree, input.orgId) : [];
    const commentId = this.ids.next();
    const findings = input.findings.map((f) => ({ findingId: this.ids.next(), ...f }));
    const stream = commentStream(commentId);
    const { state, version } = await this.streams.load(stream, commentDecider);
    const events = commentDecider.decide(
      {
        type: 'RecordMonthlyReviewFindings',
        data: {
          commentId,
          orgId: input.orgId,
          recordedOn: this.clock.today(),
          summary: input.summary,
          findings,
          round: { roundId, leader: loaded.round.leader, units: loaded.round.units, version: loaded.version, rootPath: loaded.rootPath },
          orgPath,
          decidedBy: by,
          reason: input.reason,
        },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, input.orgId));
    return { commentId, findingIds: findings.map((f) => f.findingId), version: next };
  }
}
