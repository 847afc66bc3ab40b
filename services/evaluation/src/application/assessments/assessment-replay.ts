import { TIER_RULES, isSatisfactionInput, type OrganizationAssessedEvent, type OrgTier } from '@vanguard/evaluation-domain';
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
 * never the version in force today.
 */
export async function replayAssessment(
  recorded: OrganizationAssessedEvent['data'],
  readAt: (streamId: string, version: number) => Promise<SatisfactionWindow>,
): Promise<AssessmentReplay> {
  const { version } = recorded.decision.rule;
  const rule = TIER_RULES[version];
  if (!rule) throw new RecordedRuleMissingError(version);
  const input = recorded.decision.inputs.find((i) => isSatisfactionInput(i.streamId));
  const satisfactionPermille = input ? (await readAt(input.streamId, input.version)).satisfactionPermille : null;
  const inputs = { scores: recorded.scores, satisfactionPermille };
  const replayed = { tier: rule.tier(inputs), starRating: rule.stars(inputs) };
  return {
    orgId: recorded.orgId,
    period: recorded.period,
    rule: { id: rule.id, version },
    recorded: { tier: recorded.tier, starRating: recorded.starRating },
    replayed,
    satisfactionPermille,
    matches: replayed.tier === recorded.tier && replayed.starRating === recorded.starRating,
  };
}
