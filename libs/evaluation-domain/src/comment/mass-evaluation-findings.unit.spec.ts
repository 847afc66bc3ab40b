import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero, pathFromInputs, pathInputs } from '../org-path';
import type { CommentCommand, WindowRead } from './comment.commands';
import { commentDecider } from './comment.decide';
import type { MassEvaluationFindingsRecordedEvent } from './comment.events';
import { CommentIsMadeOnceRule, FindingsHaveADeadlineAfterTheCommentRule, RectificationIsConfirmedFromAboveRule } from './comment.rules';
import {
  ProblemsAreListedRule,
  ProblemsAreRecordedAfterTheWindowClosesRule,
  ProblemsAreRecordedByTheOrganiserRule,
} from './mass-evaluation-findings.rules';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const OTHER_TOWNSHIP = '00000000-0000-4000-8000-000910425102';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const PATH = [COUNTY, TOWNSHIP, VILLAGE];
const ORG_PATH = pathAtVersionZero(PATH).map((n, i) => ({ ...n, version: 4 + i }));
const WINDOW = '01930000-0000-7000-8000-0000000000b1';
const MEMBER = '01930000-0000-7000-8000-0000000000c1';
const F1 = '01930000-0000-7000-8000-0000000000f1';

const townshipSecretary = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
const findings = [{ findingId: F1, problem: '村务公开不及时', rectification: '每月 5 日前公开上月村务', deadline: '2011-07-31' }];
const closedWindow: WindowRead = {
  windowId: WINDOW,
  status: 'closed',
  orgId: VILLAGE,
  subject: { kind: 'organization', id: VILLAGE },
  version: 3,
};
const record = (over: Partial<{ window: WindowRead; decidedBy: typeof townshipSecretary; f: typeof findings; on: string }> = {}) =>
  ({
    type: 'RecordMassEvaluationFindings',
    data: {
      window: over.window ?? closedWindow,
      orgPath: ORG_PATH,
      decidedBy: over.decidedBy ?? townshipSecretary,
      recordedOn: over.on ?? '2011-06-10',
      summary: '群众评议中群众提出的问题',
      findings: over.f ?? findings,
      reason: '评议意见汇总',
    },
  }) satisfies CommentCommand;
const recorded: MassEvaluationFindingsRecordedEvent = {
  type: 'evaluation.MassEvaluationFindingsRecorded',
  data: {
    commentId: WINDOW,
    windowId: WINDOW,
    orgId: VILLAGE,
    memberId: null,
    recordedOn: '2011-06-10',
    summary: '群众评议中群众提出的问题',
    findings,
    decision: {
      decidedBy: townshipSecretary,
      inputs: [{ streamId: `mass-evaluation-${WINDOW}`, version: 3 }, ...pathInputs(ORG_PATH)],
      rule: { id: 'evaluation.mass-evaluation.problems-by-organiser', version: 1 },
      reason: '评议意见汇总',
    },
  },
};
const spec = specificationFor(commentDecider);

describe('commentDecider: problems raised in a mass evaluation', () => {
  it('records them as findings on the window’s own findings stream, with the window version read and the rule', () =>
    spec.given([]).when(record()).then([recorded]));
  it('records them for a published window too', () =>
    spec
      .given([])
      .when(record({ window: { ...closedWindow, status: 'published', version: 4 } }))
      .thenMatches((e) =>
        expect((e[0]!.data as { decision: { inputs: unknown[] } }).decision.inputs[0]).toEqual({
          streamId: `mass-evaluation-${WINDOW}`,
          version: 4,
        }),
      ));
  it('refuses them while the window is open', () =>
    spec
      .given([])
      .when(record({ window: { ...closedWindow, status: 'open' } }))
      .thenRefuses(ProblemsAreRecordedAfterTheWindowClosesRule));
  it('refuses the organisation evaluated writing its own findings', () =>
    spec
      .given([])
      .when(record({ decidedBy: { ...townshipSecretary, orgId: VILLAGE } }))
      .thenRefuses(ProblemsAreRecordedByTheOrganiserRule));
  it('refuses a leader of another township', () =>
    spec
      .given([])
      .when(record({ decidedBy: { ...townshipSecretary, orgId: OTHER_TOWNSHIP } }))
      .thenRefuses(ProblemsAreRecordedByTheOrganiserRule));
  it('refuses someone above who leads nothing (an evaluator counts ballots, a leader orders rectifications)', () =>
    spec
      .given([])
      .when(record({ decidedBy: { sub: 'county.evaluator', role: 'evaluator', orgId: COUNTY } }))
      .thenRefuses(ProblemsAreRecordedByTheOrganiserRule));
  it('lets the member’s own branch record the problems of a member’s window, naming the member', () =>
    spec
      .given([])
      .when(
        record({
          window: { ...closedWindow, subject: { kind: 'member', id: MEMBER } },
          decidedBy: { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE },
        }),
      )
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { orgId: VILLAGE, memberId: MEMBER } })));
  it('refuses an empty list of problems', () =>
    spec
      .given([])
      .when(record({ f: [] }))
      .thenRefuses(ProblemsAreListedRule));
  it('refuses a deadline on or before the day they are recorded', () =>
    spec
      .given([])
      .when(record({ on: '2011-07-31' }))
      .thenRefuses(FindingsHaveADeadlineAfterTheCommentRule));
  it('records them once per window', () => spec.given([recorded]).when(record()).thenRefuses(CommentIsMadeOnceRule));

  // The rest is a leader comment's life, by the same rules and events.
  it('is confirmed done from above, on time or late, as a comment’s rectification is', () => {
    const complete = (completedOn: string, orgId = TOWNSHIP): CommentCommand => ({
      type: 'CompleteRectification',
      data: { findingId: F1, completedOn, decidedBy: { ...townshipSecretary, orgId }, orgPath: ORG_PATH, reason: '回访核实' },
    });
    spec
      .given([recorded])
      .when(complete('2011-08-02'))
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({ type: 'evaluation.RectificationCompleted', data: { commentId: WINDOW, onTime: false } }),
      );
    spec.given([recorded]).when(complete('2011-07-01', VILLAGE)).thenRefuses(RectificationIsConfirmedFromAboveRule);
  });
  it('is marked overdue once past its deadline undone', () =>
    spec
      .given([recorded])
      .when({ type: 'MarkOverdueRectifications', data: { today: '2011-08-01' } })
      .then([
        {
          type: 'evaluation.RectificationOverdue',
          data: { commentId: WINDOW, findingId: F1, deadline: '2011-07-31', markedOn: '2011-08-01' },
        },
      ]));

  it('replays: the recorded window version and rule version give the recorded event', () => {
    const { decision, ...facts } = recorded.data;
    expect(decision.rule).toEqual({ id: new ProblemsAreRecordedByTheOrganiserRule(townshipSecretary, closedWindow, PATH).id, version: 1 });
    const replayed = commentDecider.decide(
      {
        type: 'RecordMassEvaluationFindings',
        data: {
          window: { ...closedWindow, version: decision.inputs[0]!.version },
          orgPath: pathFromInputs(decision.inputs),
          decidedBy: decision.decidedBy,
          recordedOn: facts.recordedOn,
          summary: facts.summary,
          findings: facts.findings,
          reason: decision.reason,
        },
      },
      commentDecider.initialState(),
    );
    expect(replayed).toEqual([recorded]);
  });
});
