import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero, pathInputs } from '../org-path';
import type { CommentCommand, InspectionRead } from './comment.commands';
import { commentDecider } from './comment.decide';
import type { InspectionFindingsRecordedEvent } from './comment.events';
import { FindingsHaveADeadlineAfterTheCommentRule, RectificationIsConfirmedFromAboveRule } from './comment.rules';
import { InspectionFindingsAreAtAnInspectedUnitRule, InspectionFindingsAreRecordedByTheGroupRule } from './inspection-findings.rules';
import { ProblemsAreListedRule } from './mass-evaluation-findings.rules';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const OTHER_VILLAGE = '00000000-0000-4000-8000-910425101202';
const ORG_PATH = pathAtVersionZero([COUNTY, TOWNSHIP, VILLAGE]).map((n, i) => ({ ...n, version: 2 + i }));
const INSPECTION = '01930000-0000-7000-8000-0000000000d1';
const COMMENT = '01930000-0000-7000-8000-0000000000e1';
const F1 = '01930000-0000-7000-8000-0000000000f1';
const inspection: InspectionRead = { inspectionId: INSPECTION, members: ['county.organizer'], units: [VILLAGE], version: 1 };
const organizer = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };
const findings = [{ findingId: F1, problem: '三会一课记录不全', rectification: '补齐记录并按月公示', deadline: '2011-07-01' }];

const record = (over: Partial<{ by: typeof organizer; orgId: string; f: typeof findings; on: string }> = {}): CommentCommand => ({
  type: 'RecordInspectionFindings',
  data: {
    commentId: COMMENT,
    orgId: over.orgId ?? VILLAGE,
    recordedOn: over.on ?? '2011-06-05',
    summary: '督导检查发现的问题',
    findings: over.f ?? findings,
    inspection,
    orgPath: ORG_PATH,
    decidedBy: over.by ?? organizer,
    reason: '现场检查',
  },
});
const recorded: InspectionFindingsRecordedEvent = {
  type: 'evaluation.InspectionFindingsRecorded',
  data: {
    commentId: COMMENT,
    inspectionId: INSPECTION,
    orgId: VILLAGE,
    recordedOn: '2011-06-05',
    summary: '督导检查发现的问题',
    findings,
    decision: {
      decidedBy: organizer,
      inputs: [{ streamId: `inspection-${INSPECTION}`, version: 1 }, ...pathInputs(ORG_PATH)],
      rule: { id: 'evaluation.inspection.findings-by-group', version: 1 },
      checks: [{ id: 'evaluation.inspection.findings-at-inspected-unit', version: 1 }],
      reason: '现场检查',
    },
  },
};
const spec = specificationFor(commentDecider);

describe('commentDecider: what an inspection found at a unit (ADR 0038)', () => {
  it('records the findings on a findings stream of their own, with the inspection read and the rules run', () =>
    spec.given([]).when(record()).then([recorded]));
  it('refuses someone outside the inspection group', () =>
    spec
      .given([])
      .when(record({ by: { ...organizer, sub: 'township.secretary' } }))
      .thenRefuses(InspectionFindingsAreRecordedByTheGroupRule));
  it('refuses findings at a unit the inspection does not check', () =>
    spec
      .given([])
      .when(record({ orgId: OTHER_VILLAGE }))
      .thenRefuses(InspectionFindingsAreAtAnInspectedUnitRule));
  it('refuses an empty list', () =>
    spec
      .given([])
      .when(record({ f: [] }))
      .thenRefuses(ProblemsAreListedRule));
  it('refuses a deadline on or before the inspection day', () =>
    spec
      .given([])
      .when(record({ on: '2011-07-01' }))
      .thenRefuses(FindingsHaveADeadlineAfterTheCommentRule));

  // From here on it is a comment's rectification, by the comment's own rules and events.
  it('goes overdue once, by the daily check, past its deadline undone', () =>
    spec
      .given([recorded])
      .when({ type: 'MarkOverdueRectifications', data: { today: '2011-07-02' } })
      .then([
        {
          type: 'evaluation.RectificationOverdue',
          data: { commentId: COMMENT, findingId: F1, deadline: '2011-07-01', markedOn: '2011-07-02' },
        },
      ]));
  it('is not overdue on its deadline day', () =>
    spec
      .given([recorded])
      .when({ type: 'MarkOverdueRectifications', data: { today: '2011-07-01' } })
      .then([]));
  it('is confirmed closed from above the unit, never by the unit itself', () => {
    const complete = (orgId: string): CommentCommand => ({
      type: 'CompleteRectification',
      data: { findingId: F1, completedOn: '2011-06-20', decidedBy: { ...organizer, orgId }, orgPath: ORG_PATH, reason: '复查' },
    });
    spec
      .given([recorded])
      .when(complete(TOWNSHIP))
      .thenMatches((e) => expect(e[0]).toMatchObject({ type: 'evaluation.RectificationCompleted', data: { onTime: true } }));
    spec.given([recorded]).when(complete(VILLAGE)).thenRefuses(RectificationIsConfirmedFromAboveRule);
  });
});
