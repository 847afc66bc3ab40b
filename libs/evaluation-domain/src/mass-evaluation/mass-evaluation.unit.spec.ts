import { specificationFor } from '@vanguard/kernel/testing';
import { pathInputs } from '../org-path';
import { massEvaluationDecider } from './mass-evaluation.decide';
import type { MassEvaluationEvent } from './mass-evaluation.events';
import {
  BallotBoxRunFromAboveRule,
  NoMoreBallotsThanVotersRule,
  OnlyAClosedWindowIsPublishedRule,
  ResultIsPublishedOnceRule,
  WindowDatesAreSoundRule,
  WindowIsOpenedOnceRule,
  WindowIsOpenRule,
  WindowWasOpenedRule,
} from './mass-evaluation.rules';

const WINDOW = '01930000-0000-7000-8000-0000000000b1';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const evaluator = { sub: 'county.evaluator', role: 'evaluator', orgId: TOWNSHIP };
const PATH = ['00000000-0000-4000-8000-000000000910', TOWNSHIP, VILLAGE];
/** The evaluated village's path as the tree copy held it: each organisation at its version. */
const ORG_PATH = PATH.map((orgId, i) => ({ orgId, version: 3 + i }));
const BOX = { streamId: `ballot-box-${WINDOW}`, version: 57 };
const opened: MassEvaluationEvent = {
  type: 'evaluation.MassEvaluationOpened',
  data: {
    windowId: WINDOW,
    subject: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    cycleId: null,
    eligibleVoters: 60,
    opensOn: '2011-06-01',
    closesOn: '2011-06-07',
    decision: {
      decidedBy: evaluator,
      inputs: pathInputs(ORG_PATH),
      rule: { id: 'evaluation.mass-evaluation.run-from-above', version: 1 },
      reason: '60 名有投票资格者，2011-06-01 至 2011-06-07',
    },
  },
};
const { decision: openDecision, ...openedData } = opened.data;
const open = (over: Partial<{ opensOn: string; closesOn: string; today: string; actorOrgId: string | undefined }> = {}) =>
  ({
    type: 'OpenMassEvaluation',
    data: { ...openedData, decidedBy: evaluator, today: '2011-05-30', actorOrgId: TOWNSHIP, orgPath: ORG_PATH, ...over },
  }) as const;
const close = (tally = { satisfied: 50, basicallySatisfied: 5, dissatisfied: 2 }) =>
  ({ type: 'CloseMassEvaluation', data: { decidedBy: evaluator, tally, ballotBox: BOX } }) as const;
const closed: MassEvaluationEvent = {
  type: 'evaluation.MassEvaluationClosed',
  data: {
    windowId: WINDOW,
    tally: { satisfied: 50, basicallySatisfied: 5, dissatisfied: 2 },
    ballotsCast: 57,
    satisfactionPermille: 965,
    decision: {
      decidedBy: evaluator,
      inputs: [{ streamId: `mass-evaluation-${WINDOW}`, version: 1 }, BOX],
      rule: { id: 'evaluation.satisfaction-rate', version: 1 },
      reason: '57 票，满意度 96.5%',
    },
  },
};
const spec = specificationFor(massEvaluationDecider);

describe('massEvaluationDecider', () => {
  it('opens a window for a stated number of voters', () => spec.given([]).when(open()).then([opened]));
  it('is opened by an organisation strictly above the one evaluated (v1)', () =>
    spec
      .given([])
      .when(open({ actorOrgId: PATH[0] }))
      .then([opened]));
  it('refuses the evaluated organisation opening its own window', () =>
    spec
      .given([])
      .when(open({ actorOrgId: VILLAGE }))
      .thenRefuses(BallotBoxRunFromAboveRule));
  it('refuses an opener outside the evaluated organisation’s path, or with none', () => {
    spec
      .given([])
      .when(open({ actorOrgId: '00000000-0000-4000-8000-0000000000ff' }))
      .thenRefuses(BallotBoxRunFromAboveRule);
    spec
      .given([])
      .when(open({ actorOrgId: undefined }))
      .thenRefuses(BallotBoxRunFromAboveRule);
  });
  it('lets a branch open the mass evaluation of one of its own members', () => {
    const member = {
      ...open({ actorOrgId: VILLAGE }),
      data: { ...open({ actorOrgId: VILLAGE }).data, subject: { kind: 'member' as const, id: WINDOW } },
    };
    const { today: _t, actorOrgId: _a, orgPath: _p, decidedBy, ...data } = member.data;
    const decision = {
      decidedBy,
      inputs: pathInputs(ORG_PATH),
      rule: { id: 'evaluation.mass-evaluation.dates', version: 1 },
      reason: openDecision.reason,
    };
    spec
      .given([])
      .when(member)
      .then([{ type: 'evaluation.MassEvaluationOpened', data: { ...data, decision } }]);
  });
  it('records who issued a batch of codes and how many, never the codes', () =>
    spec
      .given([opened])
      .when({ type: 'RecordBallotCodesIssued', data: { count: 20, issuedInAll: 20, issuedBy: evaluator } })
      .then([{ type: 'evaluation.BallotCodesIssued', data: { windowId: WINDOW, count: 20, issuedInAll: 20, issuedBy: evaluator } }]));
  it('records no batch for a closed window', () =>
    spec
      .given([opened, closed])
      .when({ type: 'RecordBallotCodesIssued', data: { count: 1, issuedInAll: 1, issuedBy: evaluator } })
      .thenRefuses(WindowIsOpenRule));
  const voided = { count: 20, issuedInAll: 0, voidedBy: evaluator, reason: 'answer-not-delivered' } as const;
  it('records the void of an undelivered batch', () =>
    spec
      .given([opened])
      .when({ type: 'RecordBallotCodesVoided', data: voided })
      .then([{ type: 'evaluation.BallotCodesVoided', data: { windowId: WINDOW, ...voided } }]));
  it('records a void the box made before a close recorded since', () =>
    spec
      .given([opened, closed])
      .when({ type: 'RecordBallotCodesVoided', data: voided })
      .then([{ type: 'evaluation.BallotCodesVoided', data: { windowId: WINDOW, ...voided } }]));
  it('records no void for a window never opened', () =>
    spec.given([]).when({ type: 'RecordBallotCodesVoided', data: voided }).thenRefuses(WindowWasOpenedRule));
  it('opens once', () => spec.given([opened]).when(open()).thenRefuses(WindowIsOpenedOnceRule));
  it('opens no window in the past', () =>
    spec
      .given([])
      .when(open({ today: '2011-06-02' }))
      .thenRefuses(WindowDatesAreSoundRule));
  it('refuses a window that closes before it opens', () =>
    spec
      .given([])
      .when(open({ closesOn: '2011-05-31' }))
      .thenRefuses(WindowDatesAreSoundRule));
  it('closes with the tally, the ballot box read and the rate rule version', () => spec.given([opened]).when(close()).then([closed]));
  it('closes with no ballots as "no rate", not as 0 %', () =>
    spec
      .given([opened])
      .when(close({ satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { ballotsCast: 0, satisfactionPermille: null } })));
  it('refuses more ballots than eligible voters', () =>
    spec
      .given([opened])
      .when(close({ satisfied: 61, basicallySatisfied: 0, dissatisfied: 0 }))
      .thenRefuses(NoMoreBallotsThanVotersRule));
  it('closes once', () => spec.given([opened, closed]).when(close()).thenRefuses(WindowIsOpenRule));
  it('publishes a closed window, saying who published it, the window version read, the rule and the rate', () =>
    spec
      .given([opened, closed])
      .when({ type: 'PublishMassEvaluation', data: { decidedBy: evaluator } })
      .then([
        {
          type: 'evaluation.MassEvaluationPublished',
          data: {
            windowId: WINDOW,
            decision: {
              decidedBy: evaluator,
              inputs: [{ streamId: `mass-evaluation-${WINDOW}`, version: 2 }],
              rule: { id: 'evaluation.mass-evaluation.publish-closed', version: 1 },
              reason: '公布评议结果：满意度 96.5%',
            },
          },
        },
      ]));
  it('publishes nothing before it closes', () =>
    spec
      .given([opened])
      .when({ type: 'PublishMassEvaluation', data: { decidedBy: evaluator } })
      .thenRefuses(OnlyAClosedWindowIsPublishedRule));
  it('given a published window, when it is published again, then it answers "already published", not "not closed"', () => {
    const published = massEvaluationDecider.decide(
      { type: 'PublishMassEvaluation', data: { decidedBy: evaluator } },
      [opened, closed].reduce(massEvaluationDecider.evolve, massEvaluationDecider.initialState()),
    );
    spec
      .given([opened, closed, ...published])
      .when({ type: 'PublishMassEvaluation', data: { decidedBy: evaluator } })
      .thenRefuses(ResultIsPublishedOnceRule, 'MASS_EVALUATION.ALREADY_PUBLISHED');
  });
});
