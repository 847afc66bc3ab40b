import { CommentIsByALeaderAboveOrTheContactPointRule } from '@vanguard/evaluation-domain';
import { CompleteRectificationHandler } from '../src/application/commands/complete-rectification/complete-rectification.handler';
import type { CommandContext } from '../src/application/commands/command-context';
import {
  MakeLeaderCommentHandler,
  type MakeLeaderCommentInput,
} from '../src/application/commands/make-leader-comment/make-leader-comment.handler';
import { MarkOverdueRectificationsHandler } from '../src/application/commands/mark-overdue-rectifications/mark-overdue-rectifications.handler';
import type { RosterPort } from '../src/application/ports/roster.port';
import {
  fixedClock,
  InMemoryCycleDirectory,
  InMemoryOrgTree,
  InMemoryStreams,
  sequentialIds,
} from '../src/application/testing/in-memory-ports';
import { InMemoryRoster } from '../src/application/testing/in-memory-roster';

const ROOT = '00000000-0000-4000-8000-0000000000a0';
const TOWNSHIP = '00000000-0000-4000-8000-0000000000a1';
const VILLAGE = '00000000-0000-4000-8000-0000000000a2';
const OTHER = '00000000-0000-4000-8000-0000000000b1';
const CONTACT_POINT = '00000000-0000-4000-8000-0000000000c1';
const parents = { [ROOT]: null, [TOWNSHIP]: ROOT, [VILLAGE]: TOWNSHIP, [OTHER]: ROOT };
// Each organisation at the version the tree copy holds: the decision records them with the path.
const tree = new InMemoryOrgTree(parents, { [ROOT]: 3, [TOWNSHIP]: 5, [VILLAGE]: 2 });
const VILLAGE_PATH = [
  { streamId: `organization-${ROOT}`, version: 3 },
  { streamId: `organization-${TOWNSHIP}`, version: 5 },
  { streamId: `organization-${VILLAGE}`, version: 2 },
];
const RULE_CODE = new CommentIsByALeaderAboveOrTheContactPointRule(
  { sub: 's', role: 'r', orgId: ROOT },
  { orgPath: [], contactPoint: null },
).code;
const roster = new InMemoryRoster({ parents, contactPoints: [{ id: CONTACT_POINT, orgId: VILLAGE, leaderId: 'leader.sub' }] });
const ctx = (orgId: string, role: string, sub = `${role}@${orgId}`): CommandContext => ({
  caller: { sub, roles: [role], orgId, kind: 'user' },
  correlationId: 'c',
});
const input = (orgId = VILLAGE): MakeLeaderCommentInput => ({
  orgId,
  cycleId: null,
  form: 'on_site',
  summary: '现场点评',
  findings: [
    { problem: '三会一课记录不全', rectification: '补齐记录', deadline: '2011-05-31' },
    { problem: '活动室未开放', rectification: '每周开放两天', deadline: '2011-06-30' },
  ],
  reason: '季度点评',
});

function setup(day = '2011-05-10', withRoster: RosterPort | null = roster) {
  const streams = new InMemoryStreams();
  const cycles = new InMemoryCycleDirectory(streams);
  const sut = new MakeLeaderCommentHandler(streams, tree, fixedClock(day), sequentialIds('00000000-0000-4000-8000-f'), cycles, withRoster);
  const decisionOf = (commentId: string) =>
    (streams.streams.get(`comment-${commentId}`)![0]!.data as { decision: { inputs: unknown[]; rule: unknown } }).decision;
  return { streams, sut, decisionOf, cycles };
}

describe(MakeLeaderCommentHandler.name, () => {
  it('execute_WhenTheCallerLeadsAnOrganisationAbove_RecordsTheCommentMadeTodayWithThePathItChecked', async () => {
    const { streams, sut, decisionOf } = setup();
    const { commentId, findingIds } = await sut.execute(input(), ctx(TOWNSHIP, 'branch_secretary'));
    expect(findingIds).toHaveLength(2);
    expect(streams.streams.get(`comment-${commentId}`)![0]).toMatchObject({ data: { madeOn: '2011-05-10', orgId: VILLAGE } });
    expect(decisionOf(commentId)).toMatchObject({
      inputs: VILLAGE_PATH,
      rule: { id: 'evaluation.comment.by-leader-above-or-contact-point', version: 1 },
    });
  });

  it('execute_WhenTheRosterSaysTheCallerLeadsTheContactPoint_RecordsItAsTheInput', async () => {
    const { sut, decisionOf } = setup();
    const { commentId } = await sut.execute(input(), ctx(OTHER, 'organizer', 'leader.sub'));
    expect(decisionOf(commentId).inputs).toEqual([{ streamId: `contact-point-${CONTACT_POINT}`, version: 0 }, ...VILLAGE_PATH]);
  });

  it('execute_WhenTheCallerNeitherLeadsAboveNorTheContactPoint_RefusesWithTheRule', async () => {
    const { sut } = setup();
    for (const caller of [ctx(OTHER, 'organizer'), ctx(VILLAGE, 'branch_secretary'), ctx(ROOT, 'evaluator')])
      await expect(sut.execute(input(), caller)).rejects.toMatchObject({ code: RULE_CODE });
  });

  it('execute_WhenTheContactPointIsAnotherOrganisations_Refuses', async () => {
    const { sut } = setup();
    await expect(sut.execute(input(OTHER), ctx(TOWNSHIP, 'branch_secretary', 'leader.sub'))).rejects.toMatchObject({
      code: 'COMMENT.NOT_ENTITLED',
    });
  });

  it('execute_WithoutARosterBound_RefusesTheContactPointLeaderRatherThanAllowingAnyone', async () => {
    const { sut } = setup('2011-05-10', null);
    await expect(sut.execute(input(), ctx(OTHER, 'organizer', 'leader.sub'))).rejects.toMatchObject({ code: 'COMMENT.NOT_ENTITLED' });
  });

  it('execute_WhenTheOrganisationIsUnknown_AnswersNotFound', async () => {
    const { sut } = setup();
    await expect(sut.execute(input('00000000-0000-4000-8000-0000000000ee'), ctx(ROOT, 'organizer'))).rejects.toMatchObject({
      code: 'ORGANIZATION.NOT_FOUND',
    });
  });

  describe('the cycle named (ADR 0138)', () => {
    const CAMPAIGN = '00000000-0000-4000-8000-0000000000d0';
    const CYCLE = '00000000-0000-4000-8000-0000000000d1';
    /** A campaign launched over `root` with the cycle planned, then opened unless said. */
    const withCampaign = (streams: InMemoryStreams, root: string, opened = true) =>
      streams.streams.set(`campaign-${CAMPAIGN}`, [
        { type: 'evaluation.CampaignLaunched', data: { campaignId: CAMPAIGN, orgId: root, name: 'c', phases: [] } },
        { type: 'evaluation.CyclePlanned', data: { campaignId: CAMPAIGN, cycleId: CYCLE, quarter: '2011-Q2' } },
        ...(opened ? [{ type: 'evaluation.CycleOpened', data: { campaignId: CAMPAIGN, cycleId: CYCLE } }] : []),
      ]);
    const commentStreams = (streams: InMemoryStreams) => [...streams.streams.keys()].filter((id) => id.startsWith('comment-'));

    it('execute_WhenTheCycleIsOpenInACampaignOverTheOrganisation_RecordsTheCampaignStreamRead', async () => {
      const { streams, sut, decisionOf } = setup();
      withCampaign(streams, ROOT);
      const { commentId } = await sut.execute({ ...input(), cycleId: CYCLE }, ctx(TOWNSHIP, 'branch_secretary'));
      expect(decisionOf(commentId).inputs).toEqual([{ streamId: `campaign-${CAMPAIGN}`, version: 3 }, ...VILLAGE_PATH]);
    });

    it('execute_WhenNoCampaignPlansTheCycle_RefusesNamingCycleIdAndAppendsNothing', async () => {
      const { streams, sut } = setup();
      await expect(sut.execute({ ...input(), cycleId: CYCLE }, ctx(TOWNSHIP, 'branch_secretary'))).rejects.toMatchObject({
        code: 'COMMENT.UNKNOWN_CYCLE',
        kind: 'invalid',
        message: expect.stringContaining('cycleId'),
      });
      expect(commentStreams(streams)).toEqual([]);
    });

    it('execute_WhenTheCampaignIsOverAnotherSubtree_RefusesAsForAnUnknownCycle', async () => {
      const { streams, sut } = setup();
      withCampaign(streams, OTHER);
      await expect(sut.execute({ ...input(), cycleId: CYCLE }, ctx(TOWNSHIP, 'branch_secretary'))).rejects.toMatchObject({
        code: 'COMMENT.UNKNOWN_CYCLE',
      });
      expect(commentStreams(streams)).toEqual([]);
    });

    it('execute_WhenTheCallerHasNoRight_RefusesWithTheRightRuleWithoutLookingTheCycleUp', async () => {
      const { streams, sut, cycles } = setup();
      withCampaign(streams, ROOT);
      const lookups = jest.spyOn(cycles, 'campaignOf');
      for (const cycleId of [CYCLE, '00000000-0000-4000-8000-0000000000ee'])
        for (const caller of [ctx(OTHER, 'organizer'), ctx(VILLAGE, 'branch_secretary')])
          await expect(sut.execute({ ...input(), cycleId }, caller)).rejects.toMatchObject({ code: RULE_CODE });
      expect(lookups).not.toHaveBeenCalled();
      expect(commentStreams(streams)).toEqual([]);
    });

    it('execute_WhenTheCycleIsOnlyPlanned_RefusesWithTheOpenedRule', async () => {
      const { streams, sut } = setup();
      withCampaign(streams, ROOT, false);
      await expect(sut.execute({ ...input(), cycleId: CYCLE }, ctx(TOWNSHIP, 'branch_secretary'))).rejects.toMatchObject({
        code: 'COMMENT.CYCLE_NOT_OPENED',
      });
    });
  });

  it('execute_WhenADeadlineIsNotAfterToday_RefusesWithTheDeadlineRule', async () => {
    const { sut } = setup('2011-05-31');
    await expect(sut.execute(input(), ctx(TOWNSHIP, 'branch_secretary'))).rejects.toMatchObject({ code: 'COMMENT.BAD_DEADLINE' });
  });
});

describe('rectifications against the injected clock', () => {
  it('complete_JudgesOnTimeByTodayInChina, and the overdue check marks only what is past its deadline, once', async () => {
    const { streams, sut } = setup();
    const { commentId, findingIds } = await sut.execute(input(), ctx(TOWNSHIP, 'branch_secretary'));
    const [first, second] = findingIds as [string, string];
    const township = ctx(TOWNSHIP, 'branch_secretary');

    const check = (day: string) => new MarkOverdueRectificationsHandler(streams, tree, fixedClock(day)).execute([commentId], township);
    expect(await check('2011-05-31')).toEqual({ marked: 0, skipped: 0 });
    expect(await check('2011-06-01')).toEqual({ marked: 1, skipped: 0 });
    expect(await check('2011-06-02')).toEqual({ marked: 0, skipped: 0 });

    const complete = (day: string, findingId: string) =>
      new CompleteRectificationHandler(streams, tree, fixedClock(day)).execute(commentId, findingId, { reason: '核实' }, township);
    await complete('2011-06-03', first);
    await complete('2011-06-30', second);
    const done = streams.streams
      .get(`comment-${commentId}`)!
      .filter((e) => e.type === 'evaluation.RectificationCompleted')
      .map((e) => e.data as { findingId: string; completedOn: string; onTime: boolean });
    expect(done).toEqual([
      expect.objectContaining({ findingId: first, completedOn: '2011-06-03', onTime: false }),
      expect.objectContaining({ findingId: second, completedOn: '2011-06-30', onTime: true }),
    ]);
  });

  it('complete_WhenTheCommentIsOutsideTheCallersSubtree_AnswersLikeOneThatDoesNotExist', async () => {
    const { streams, sut } = setup();
    const { commentId, findingIds } = await sut.execute(input(), ctx(TOWNSHIP, 'branch_secretary'));
    const other = new CompleteRectificationHandler(streams, tree, fixedClock('2011-05-20'));
    await expect(other.execute(commentId, findingIds[0]!, { reason: 'x' }, ctx(OTHER, 'branch_secretary'))).rejects.toMatchObject({
      code: 'COMMENT.NOT_FOUND',
    });
  });
});
