import {
  assessmentDecider,
  benchmarkDecider,
  campaignDecider,
  commentDecider,
  inspectionDecider,
  massEvaluationDecider,
  massTallyDecider,
  monthlyReviewDecider,
  pioneerDecider,
  pledgeDecider,
  reviewDecider,
  trainingClassDecider,
  windowUnitDecider,
  zoneDecider,
} from '@vanguard/evaluation-domain';
import { nominationDecider, noticeDecider, objectionDecider, placesDecider, programmeDecider } from '@vanguard/commendation-domain';
import type { Fold } from '@vanguard/event-store';
import type { AuditedContext } from '../infrastructure/audit-database';
import { AuditRefusal } from './audit-refusal';

/** Which store holds a stream and which decider folds it: the owning service's own code. */
export interface StreamKind {
  readonly context: AuditedContext;
  readonly prefix: string;
  readonly fold: Fold<unknown>;
}

const kind = (context: AuditedContext, prefix: string, decider: { initialState(): unknown; evolve(s: never, e: never): unknown }) => ({
  context,
  prefix,
  fold: decider as unknown as Fold<unknown>,
});

/** Longest prefix first: `mass-evaluation-` before anything shorter that could match. */
export const STREAM_KINDS: readonly StreamKind[] = [
  kind('evaluation', 'mass-evaluation-', massEvaluationDecider),
  kind('evaluation', 'assessment-', assessmentDecider),
  kind('evaluation', 'benchmark-', benchmarkDecider),
  kind('evaluation', 'campaign-', campaignDecider),
  kind('evaluation', 'comment-', commentDecider),
  kind('evaluation', 'pioneer-', pioneerDecider),
  kind('evaluation', 'pledge-', pledgeDecider),
  kind('evaluation', 'review-', reviewDecider),
  // Field work (ADR 0047, 0064): without these a subtree's as-of refused the whole page on its first round or zone.
  kind('evaluation', 'inspection-', inspectionDecider),
  kind('evaluation', 'mass-tally-', massTallyDecider),
  kind('evaluation', 'monthly-review-', monthlyReviewDecider),
  kind('evaluation', 'training-class-', trainingClassDecider),
  kind('evaluation', 'window-unit-', windowUnitDecider),
  kind('evaluation', 'zone-', zoneDecider),
  kind('commendation', 'award-programme-', programmeDecider),
  kind('commendation', 'nomination-', nominationDecider),
  kind('commendation', 'public-notice-', noticeDecider),
  kind('commendation', 'objection-', objectionDecider),
  kind('commendation', 'places-', placesDecider),
].sort((a, b) => b.prefix.length - a.prefix.length);

const STREAM_ID = /^[a-z][a-z-]*-[A-Za-z0-9][A-Za-z0-9_.:@-]{0,190}$/;

/** The kind of `streamId`, or a 400 naming the field and the categories this service knows. */
export function streamKindOf(streamId: string, field = 'streamId'): StreamKind {
  const k = STREAM_ID.test(streamId)
    ? STREAM_KINDS.find((s) => streamId.startsWith(s.prefix) && streamId.length > s.prefix.length)
    : undefined;
  if (!k)
    throw AuditRefusal.invalid(
      field,
      `不是可审计的流 / not an audited stream: expected one of ${STREAM_KINDS.map((s) => `${s.prefix}<id>`).join(', ')}`,
    );
  return k;
}
