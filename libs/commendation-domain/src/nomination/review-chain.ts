import type { OrgOnPath, ReviewStep } from './nomination.commands';
import type { ProgrammeFacts } from '../programme/programme.facts';

/**
 * 层层推荐: the levels a nomination climbs, from the nominator's organisation path and the
 * programme's timeline. For each reviewing level of the programme (township up to the awarding
 * level), the topmost organisation of that level strictly above the nominator reviews it, by
 * that level's deadline; a level with no organisation on the path (a branch directly under a
 * county) has no one to review there. The awarding body is always the last step. Empty when
 * the awarding body is not above the nominator.
 */
export function reviewChainOf(nominatorOrgPath: readonly OrgOnPath[], programme: Pick<ProgrammeFacts, 'orgId' | 'timeline'>): ReviewStep[] {
  const awarding = nominatorOrgPath.findIndex((o) => o.orgId === programme.orgId);
  if (awarding < 0 || awarding >= nominatorOrgPath.length - 1) return [];
  const above = nominatorOrgPath.slice(awarding, -1);
  const steps: ReviewStep[] = [];
  for (const { level, dueOn } of programme.timeline.reviewDeadlines) {
    const org = above.find((o) => o.level === level);
    if (org) steps.push({ orgId: org.orgId, level, dueOn });
  }
  return steps.at(-1)?.orgId === programme.orgId ? steps : [];
}

/** The unit directly below the awarding body on the nominator's path: whose places the nomination uses. */
export function subordinateUnitOf(nominatorOrgPath: readonly OrgOnPath[], awardingOrgId: string): string | null {
  const awarding = nominatorOrgPath.findIndex((o) => o.orgId === awardingOrgId);
  return awarding >= 0 ? (nominatorOrgPath[awarding + 1]?.orgId ?? null) : null;
}
