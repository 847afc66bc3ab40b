import { AmountMustBeWithinTheCap, MAX_AMOUNT_FEN } from '../shared/money.rules';
import { DayMustNotBeInTheFuture, DayMustNotPrecede } from '../shared/period.rules';
import { PublishedTextCarriesNoPersonalNumbers, TextMustNotBeBlank } from '../shared/public-text.rules';
import { MustBeAnActiveVillage, type Village } from '../shared/village';
import { refusedBy } from '../testing/refusal';
import {
  addMilestone,
  advanceProject,
  evaluateProject,
  MilestoneNotFoundError,
  planProject,
  reachMilestone,
  type Project,
} from './project';
import {
  CompletionNeedsEveryMilestoneReached,
  MilestoneIsReachedOnce,
  ProjectMustBeInState,
  ProjectPairingMustBeWithTheVillage,
  StepCannotPrecedeThePreviousStep,
} from './project.rules';

const TODAY = '2011-06-30';
const village: Village = { id: 'v1', name: '红石村', level: 'village', sector: 'rural', status: 'active', path: ['c', 't', 'v1'] };
const input = {
  id: 'p1',
  pairingId: null,
  name: '安全饮水工程',
  category: 'drinking_water' as const,
  budgetFen: 450_000_00,
  beneficiaryHouseholds: 122,
  plannedOn: '2011-03-01',
};
const planned = (): Project => planProject(input, village, TODAY).project;

describe('assistance project', () => {
  it('walks planned → approved → in progress → completed → accepted → evaluated, one event per step', () => {
    let p = planned();
    const types: string[] = [];
    for (const [step, on] of [
      ['approve', '2011-03-10'],
      ['start', '2011-04-01'],
      ['complete', '2011-06-01'],
      ['accept', '2011-06-20'],
    ] as const) {
      const r = advanceProject(p, step, on, TODAY);
      p = r.project;
      types.push(r.events[0]!.contract.type);
    }
    expect(p.approvedOn).toBe('2011-03-10'); // kept through the later steps: money is dated from it
    const done = evaluateProject(p, 'satisfied', TODAY, TODAY);
    expect(done.project.status).toBe('evaluated');
    expect([...types, done.events[0]!.contract.type]).toEqual([
      'assistance.ProjectApproved',
      'assistance.ProjectStarted',
      'assistance.ProjectCompleted',
      'assistance.ProjectAccepted',
      'assistance.ProjectEvaluated',
    ]);
  });

  it('refuses a skipped step, a step dated before the last one, and one dated in the future', () => {
    expect(refusedBy(() => advanceProject(planned(), 'start', '2011-04-01', TODAY), ProjectMustBeInState)).toBe(true);
    expect(refusedBy(() => advanceProject(planned(), 'approve', '2011-02-28', TODAY), StepCannotPrecedeThePreviousStep)).toBe(true);
    expect(refusedBy(() => advanceProject(planned(), 'approve', '2011-07-01', TODAY), DayMustNotBeInTheFuture)).toBe(true);
    expect(refusedBy(() => evaluateProject(planned(), 'satisfied', TODAY, TODAY), ProjectMustBeInState)).toBe(true);
  });

  it('completes only when every milestone is reached; a milestone is reached once, late or not', () => {
    let p = advanceProject(advanceProject(planned(), 'approve', '2011-03-10', TODAY).project, 'start', '2011-04-01', TODAY).project;
    p = addMilestone(p, { id: 'm1', title: '路基完工', dueOn: '2011-05-01' });
    expect(refusedBy(() => advanceProject(p, 'complete', '2011-06-01', TODAY), CompletionNeedsEveryMilestoneReached)).toBe(true);
    const reached = reachMilestone(p, 'm1', '2011-05-03', TODAY);
    expect(reached.events[0]!.data).toMatchObject({ milestoneId: 'm1', late: true });
    expect(refusedBy(() => reachMilestone(reached.project, 'm1', '2011-05-04', TODAY), MilestoneIsReachedOnce)).toBe(true);
    expect(() => reachMilestone(p, 'nope', '2011-05-03', TODAY)).toThrow(MilestoneNotFoundError);
    expect(advanceProject(reached.project, 'complete', '2011-06-01', TODAY).project.status).toBe('completed');
  });

  it('is completed no earlier than its last milestone was reached, and accepted no earlier than its money last moved', () => {
    let p = advanceProject(advanceProject(planned(), 'approve', '2011-03-10', TODAY).project, 'start', '2011-04-01', TODAY).project;
    p = addMilestone(addMilestone(p, { id: 'm1', title: '路基完工', dueOn: '2011-05-01' }), {
      id: 'm2',
      title: '通水',
      dueOn: '2011-06-01',
    });
    p = reachMilestone(reachMilestone(p, 'm2', '2011-06-20', TODAY).project, 'm1', '2011-05-03', TODAY).project;
    // The later milestone counts, whichever order they were reached in.
    expect(refusedBy(() => advanceProject(p, 'complete', '2011-06-19', TODAY), DayMustNotPrecede)).toBe(true);
    const completed = advanceProject(p, 'complete', '2011-06-20', TODAY).project;
    expect(refusedBy(() => advanceProject(completed, 'accept', '2011-06-24', TODAY, '2011-06-25'), DayMustNotPrecede)).toBe(true);
    expect(advanceProject(completed, 'accept', '2011-06-25', TODAY, '2011-06-25').project.status).toBe('accepted');
    expect(advanceProject(completed, 'accept', '2011-06-21', TODAY, null).project.status).toBe('accepted');
  });

  it('is planned under a pairing only when the pairing is with its village', () => {
    expect(
      refusedBy(() => planProject({ ...input, pairingId: 'x' }, village, TODAY, { orgId: 'v2' }), ProjectPairingMustBeWithTheVillage),
    ).toBe(true);
    expect(planProject({ ...input, pairingId: 'x' }, village, TODAY, { orgId: 'v1' }).project.pairingId).toBe('x');
  });

  it('is planned only for an active rural village or community', () => {
    for (const other of [
      { ...village, level: 'township' },
      { ...village, sector: 'government_organ' },
      { ...village, status: 'dissolved' },
    ])
      expect(refusedBy(() => planProject(input, other, TODAY), MustBeAnActiveVillage)).toBe(true);
    expect(planProject(input, { ...village, sector: 'community' }, TODAY).project.status).toBe('planned');
  });

  it('is planned with a budget up to the cap of one hundred million yuan, not a fen more', () => {
    expect(planProject({ ...input, budgetFen: MAX_AMOUNT_FEN }, village, TODAY).project.budgetFen).toBe(10_000_000_000);
    for (const budgetFen of [MAX_AMOUNT_FEN + 1, Number.MAX_SAFE_INTEGER])
      expect(refusedBy(() => planProject({ ...input, budgetFen }, village, TODAY), AmountMustBeWithinTheCap)).toBe(true);
  });

  it('publishes no ID-card or phone number in its name or a milestone title, spaced or full-width', () => {
    for (const name of ['王秀兰家 13812345678', '户主身份证110101199003077777', '联系 139 1234 5678', '电话１３８１２３４５６７８'])
      expect(refusedBy(() => planProject({ ...input, name }, village, TODAY), PublishedTextCarriesNoPersonalNumbers)).toBe(true);
    expect(planProject({ ...input, name: '2011年安全饮水工程（一期）' }, village, TODAY).project.name).toBe('2011年安全饮水工程（一期）');
    const title = '户主王秀兰 电话13812345678';
    expect(refusedBy(() => addMilestone(planned(), { id: 'm1', title, dueOn: '2011-05-01' }), PublishedTextCarriesNoPersonalNumbers)).toBe(
      true,
    );
  });

  it('sets a milestone due no earlier than the day the project was planned', () => {
    expect(refusedBy(() => addMilestone(planned(), { id: 'm1', title: '开工', dueOn: '2011-02-28' }), DayMustNotPrecede)).toBe(true);
    expect(addMilestone(planned(), { id: 'm1', title: '开工', dueOn: '2011-03-01' }).milestones).toHaveLength(1);
  });

  it('reaches a milestone no earlier than the day the project was planned', () => {
    const p = addMilestone(advanceProject(planned(), 'approve', '2011-03-10', TODAY).project, {
      id: 'm1',
      title: '开工',
      dueOn: '2011-05-01',
    });
    expect(refusedBy(() => reachMilestone(p, 'm1', '1999-01-01', TODAY), DayMustNotPrecede)).toBe(true);
    expect(reachMilestone(p, 'm1', '2011-03-01', TODAY).project.milestones[0]!.reachedOn).toBe('2011-03-01');
  });

  it('is named, and its milestones titled, with more than spaces', () => {
    for (const name of ['   ', '\t', '\u3000', '\u200b\u2800', '\u3164'])
      expect(refusedBy(() => planProject({ ...input, name }, village, TODAY), TextMustNotBeBlank)).toBe(true);
    expect(refusedBy(() => addMilestone(planned(), { id: 'm1', title: '  ', dueOn: '2011-05-01' }), TextMustNotBeBlank)).toBe(true);
  });
});
