import {
  TIER_RULES,
  isSatisfactionInput,
  monthlyReviewStream,
  type AssessedMonthlyReview,
  type MonthlyRoundRead,
  type OrganizationAssessedEvent,
  type OrgTier,
} from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { SatisfactionWindow } from './satisfaction-window';

export interface AssessmentReplay {
  readonly orgId: string;
  readonly period: string;
  readonly rule: { readonly id: string; readonly version: number };
  readonly recorded: { readonly tier: OrgTier; readonly starRating: number };
  readonly replayed: { readonly tier: OrgTier; readonly starRating: number };
  /** The satisfaction rate read back from the recorded window or county count at its recorded version, if any. */
  readonly satisfactionPermille: number | null;
  /** Each monthly round the decision recorded, its figures read again from the round at the recorded version (ADR 0050). */
  readonly monthlyReviews: readonly {
    readonly roundId: string;
    readonly version: number | null;
    readonly recorded: { readonly scorePermille: number; readonly rank: number; readonly unitsRanked: number };
    readonly reread: { readonly scorePermille: number; readonly rank: number; readonly unitsRanked: number } | null;
    readonly matches: boolean;
  }[];
  readonly matches: boolean;
}

export class RecordedRuleMissingError extends DomainError {
  constructor(version: number) {
    super(
      'ASSESSMENT.RULE_VERSION_MISSING',
      'rule',
      `记录的评定规则版本 ${version} 已不在代码中 / recorded tier rule version ${version} is gone`,
    );
  }
}

/**
 * Replays one recorded assessment: the recorded scores, the satisfaction read back from the
 * recorded mass-evaluation input at its recorded version, and the recorded rule version —
 * never the version in force today; and each monthly round it recorded, read again at the recorded
 * version, whose figures must be the ones on the record.
 */
export async function replayAssessment(
  recorded: OrganizationAssessedEvent['data'],
  readAt: (streamId: string, version: number) => Promise<SatisfactionWindow>,
  readRoundAt: (streamId: string, version: number) => Promise<MonthlyRoundRead | null> = () => Promise.resolve(null),
): Promise<AssessmentReplay> {
  const { version } = recorded.decision.rule;
  const rule = TIER_RULES[version];
  if (!rule) throw new RecordedRuleMissingError(version);
  const input = recorded.decision.inputs.find((i) => isSatisfactionInput(i.streamId));
  const satisfactionPermille = input ? (await readAt(input.streamId, input.version)).satisfactionPermille : null;
  const inputs = { scores: recorded.scores, satisfactionPermille };
  const replayed = { tier: rule.tier(inputs), starRating: rule.stars(inputs) };
  const monthlyReviews = await Promise.all(
    (recorded.monthlyReviews ?? []).map((figure) => rereadRound(figure, recorded.decision.inputs, readRoundAt)),
  );
  return {
    orgId: recorded.orgId,
    period: recorded.period,
    rule: { id: rule.id, version },
    recorded: { tier: recorded.tier, starRating: recorded.starRating },
    replayed,
    satisfactionPermille,
    monthlyReviews,
    matches: replayed.tier === recorded.tier && replayed.starRating === recorded.starRating && monthlyReviews.every((m) => m.matches),
  };
}

async function rereadRound(
  figure: AssessedMonthlyReview,
  inputs: readonly { readonly streamId: string; readonly version: number }[],
  readRoundAt: (streamId: string, version: number) => Promise<MonthlyRoundRead | null>,
): Promise<AssessmentReplay['monthlyReviews'][number]> {
  const streamId = monthlyReviewStream(figure.roundId);
  const version = inputs.find((i) => i.streamId === streamId)?.version ?? null;
  const read = version === null ? null : await readRoundAt(streamId, version);
  const recorded = { scorePermille: figure.scorePermille, rank: figure.rank, unitsRanked: figure.unitsRanked };
  const reread = read?.result ? { ...read.result, unitsRanked: read.unitsRanked } : null;
  const same =
    reread !== null &&
    read!.month === figure.month &&
    read!.zoneId === figure.zoneId &&
    read!.rubricVersion === figure.rubricVersion &&
    JSON.stringify(reread) === JSON.stringify(recorded);
  return { roundId: figure.roundId, version, recorded, reread, matches: same };
}
