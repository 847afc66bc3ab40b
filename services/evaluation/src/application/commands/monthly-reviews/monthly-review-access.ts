import { createHash } from 'node:crypto';
import {
  campaignCyclesFold,
  monthlyReviewDecider,
  monthlyReviewStream,
  zoneDecider,
  type CampaignCycles,
  type MonthlyReviewState,
  type OrgPath,
  type ZoneState,
} from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../../ports/org-tree.port';
import type { StreamsPort } from '../../ports/streams.port';
import { campaignStream, CampaignNotFoundError } from '../campaign-access';
import type { CommandContext } from '../command-context';
import { readPathOrFail } from '../pledge-access';

export class ZoneNotFoundError extends DomainError {
  constructor(zoneId: string) {
    super('ZONE.NOT_FOUND', 'not_found', `片区不存在 / no zone ${zoneId}`);
  }
}

export class MonthlyReviewNotFoundError extends DomainError {
  constructor(roundId: string) {
    super('MONTHLY_REVIEW.NOT_FOUND', 'not_found', `观摩点评不存在 / no monthly review ${roundId}`);
  }
}

export const zoneStream = (zoneId: string) => `zone-${zoneId}`;

/** Name-based UUIDs (RFC 9562 §5.5) of monthly review rounds: a fixed namespace of Vanguard's own. */
const ROUND_NAMESPACE = Buffer.from('6f1d2c3a9b7e4e0f8a215c4d3b2a1908', 'hex');

/**
 * A zone's round of a month has one id, the same every time it is asked for: a second opening of
 * the month meets the first round's stream (409 by the opened-once rule) and fifty at once
 * contend for one stream, one wins. With a new random id each, fifty opens made fifty rounds.
 */
export function roundIdOf(zoneId: string, month: string): string {
  const h = createHash('sha1').update(ROUND_NAMESPACE).update(`${zoneId}/${month}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
export { monthlyReviewStream };

/** The campaign's root and its path: where "an organizer above" is judged. */
export async function campaignRoot(
  streams: StreamsPort,
  tree: OrgTreePort,
  campaignId: string,
): Promise<{ campaign: CampaignCycles & { orgId: string }; version: number; rootPath: OrgPath }> {
  const { state, version } = await streams.load(campaignStream(campaignId), campaignCyclesFold);
  if (!state.orgId) throw new CampaignNotFoundError(campaignId);
  return { campaign: { ...state, orgId: state.orgId }, version, rootPath: await readPathOrFail(tree, state.orgId) };
}

type Zone = NonNullable<ZoneState['zone']>;

/** A zone the caller holds the campaign's root of, or leads; any other answers like one that does not exist. */
export async function loadZoneVisible(streams: StreamsPort, tree: OrgTreePort, ctx: CommandContext, zoneId: string) {
  const { state, version } = await streams.load(zoneStream(zoneId), zoneDecider);
  const zone: Zone | null = state.zone;
  if (!zone) throw new ZoneNotFoundError(zoneId);
  const root = await campaignRoot(streams, tree, zone.campaignId);
  if (zone.leader !== ctx.caller.sub && !tree.isWithin(ctx.caller.orgId, root.campaign.orgId)) throw new ZoneNotFoundError(zoneId);
  return { zone, version, root };
}

type Round = NonNullable<MonthlyReviewState['round']>;

/** A round of a zone the caller may see (its leader, or the campaign's root or above). */
export async function loadRoundVisible(streams: StreamsPort, tree: OrgTreePort, ctx: CommandContext, roundId: string) {
  const { state, version } = await streams.load(monthlyReviewStream(roundId), monthlyReviewDecider);
  const round: Round | null = state.round;
  if (!round) throw new MonthlyReviewNotFoundError(roundId);
  const root = await campaignRoot(streams, tree, round.campaignId);
  if (round.leader !== ctx.caller.sub && !tree.isWithin(ctx.caller.orgId, root.campaign.orgId))
    throw new MonthlyReviewNotFoundError(roundId);
  return { state, version, round, rootPath: root.rootPath };
}
