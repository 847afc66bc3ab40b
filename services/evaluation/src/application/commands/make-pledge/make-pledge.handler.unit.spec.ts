import { InMemoryRoster } from '../../testing/in-memory-roster';
import { fixedClock, InMemoryOrgTree, InMemoryStreams, sequentialIds } from '../../testing/in-memory-ports';
import type { CommandContext } from '../command-context';
import { LaunchCampaignHandler } from '../launch-campaign/launch-campaign.handler';
import { OpenCycleHandler } from '../open-cycle/open-cycle.handler';
import { PlanCycleHandler } from '../plan-cycle/plan-cycle.handler';
import { MakePledgeHandler, PledgeOutsideCampaignError } from './make-pledge.handler';

const ROOT = '00000000-0000-4000-8000-0000000000a0';
const COUNTY = '00000000-0000-4000-8000-0000000000a1';
const VILLAGE = '00000000-0000-4000-8000-0000000000a2';
const OTHER_COUNTY = '00000000-0000-4000-8000-0000000000b1';
const tree = new InMemoryOrgTree({ [ROOT]: null, [COUNTY]: ROOT, [VILLAGE]: COUNTY, [OTHER_COUNTY]: ROOT });
const ctx = (orgId: string): CommandContext => ({ caller: { sub: 'u', roles: ['organizer'], orgId, kind: 'user' }, correlationId: 'c' });
const phases = [
  { phase: 'mobilise', startsOn: '2010-04-01', endsOn: '2010-05-31' },
  { phase: 'compete', startsOn: '2010-06-01', endsOn: '2011-06-30' },
  { phase: 'benchmark_upgrade', startsOn: '2011-07-01', endsOn: '2012-06-30' },
  { phase: 'summarise', startsOn: '2012-07-01', endsOn: '2012-10-31' },
] as const;

async function campaignWithQ2(streams: InMemoryStreams, open: boolean) {
  const ids = sequentialIds();
  const { campaignId } = await new LaunchCampaignHandler(streams, tree, ids).execute(
    { orgId: COUNTY, name: '活动', phases: [...phases] },
    ctx(COUNTY),
  );
  const { cycleId } = await new PlanCycleHandler(streams, tree, ids).execute(
    campaignId,
    { quarter: '2011-Q2', startsOn: '2011-04-01', endsOn: '2011-06-30', themes: { default: '主题', bySector: {} } },
    ctx(COUNTY),
  );
  if (open) await new OpenCycleHandler(streams, tree).execute(campaignId, cycleId, ctx(COUNTY));
  return { campaignId, cycleId };
}

const pledge = (c: { campaignId: string; cycleId: string }, orgId = VILLAGE, dueOn = '2011-06-01') => ({
  ...c,
  pledger: { kind: 'organization' as const, id: orgId },
  orgId,
  category: 'deed_for_masses' as const,
  content: '修路',
  dueOn,
});

describe(MakePledgeHandler.name, () => {
  it('execute_WhenTheCycleIsOpenToday_RecordsThePledgeOnItsOwnStream', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, true);
    const sut = new MakePledgeHandler(
      streams,
      tree,
      fixedClock('2011-05-10'),
      sequentialIds('00000000-0000-4000-8000-f'),
      new InMemoryRoster({ parents: {} }),
    );
    const { pledgeId } = await sut.execute(pledge(c), ctx(VILLAGE));
    expect(streams.streams.get(`pledge-${pledgeId}`)).toEqual([
      {
        type: 'evaluation.PledgeMade',
        data: expect.objectContaining({ pledgeId, cycleId: c.cycleId, orgId: VILLAGE, followsPledgeId: null }),
      },
    ]);
  });

  it('execute_ReadsTheCampaignButNotTheNewPledgesStream (its id was generated just now)', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, true);
    const read: string[] = [];
    const load = streams.load.bind(streams);
    streams.load = (streamId, decider) => {
      read.push(streamId);
      return load(streamId, decider);
    };
    const sut = new MakePledgeHandler(
      streams,
      tree,
      fixedClock('2011-05-10'),
      sequentialIds('00000000-0000-4000-8000-f'),
      new InMemoryRoster({ parents: {} }),
    );
    await sut.execute(pledge(c), ctx(VILLAGE));
    expect(read).toEqual([`campaign-${c.campaignId}`]);
  });

  it('execute_WhenTheGeneratedIdAlreadyHasAStream_RefusesAsAConcurrentChange (nothing appended)', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, true);
    const taken = '00000000-0000-4000-8000-f00000000001';
    const before = [{ type: 'evaluation.PledgeMade', data: { pledgeId: taken } }];
    streams.streams.set(`pledge-${taken}`, before);
    const sut = new MakePledgeHandler(streams, tree, fixedClock('2011-05-10'), { next: () => taken }, new InMemoryRoster({ parents: {} }));
    await expect(sut.execute(pledge(c), ctx(VILLAGE))).rejects.toMatchObject({ code: 'STREAM.CONCURRENT_CHANGE' });
    expect(streams.streams.get(`pledge-${taken}`)).toBe(before);
  });

  it('execute_WhenTodayIsAfterTheCycle_RefusesWithTheOpenCycleRule (today comes from the injected clock)', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, true);
    const sut = new MakePledgeHandler(
      streams,
      tree,
      fixedClock('2011-07-02'),
      sequentialIds('00000000-0000-4000-8000-f'),
      new InMemoryRoster({ parents: {} }),
    );
    await expect(sut.execute(pledge(c, VILLAGE, '2011-06-30'), ctx(VILLAGE))).rejects.toMatchObject({ code: 'PLEDGE.CYCLE_NOT_OPEN' });
  });

  it('execute_WhenTheCycleIsOnlyPlanned_RefusesWithTheOpenCycleRule', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, false);
    const sut = new MakePledgeHandler(
      streams,
      tree,
      fixedClock('2011-05-10'),
      sequentialIds('00000000-0000-4000-8000-f'),
      new InMemoryRoster({ parents: {} }),
    );
    await expect(sut.execute(pledge(c), ctx(VILLAGE))).rejects.toMatchObject({ code: 'PLEDGE.CYCLE_NOT_OPEN' });
  });

  it('execute_WhenDueAfterTheCycle_RefusesWithTheDueDateRule', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, true);
    const sut = new MakePledgeHandler(
      streams,
      tree,
      fixedClock('2011-05-10'),
      sequentialIds('00000000-0000-4000-8000-f'),
      new InMemoryRoster({ parents: {} }),
    );
    await expect(sut.execute(pledge(c, VILLAGE, '2011-07-15'), ctx(VILLAGE))).rejects.toMatchObject({ code: 'PLEDGE.DUE_OUTSIDE_CYCLE' });
  });

  it('execute_WhenTheOrganisationIsOutsideTheCampaign_Refuses', async () => {
    const streams = new InMemoryStreams();
    const c = await campaignWithQ2(streams, true);
    const sut = new MakePledgeHandler(
      streams,
      tree,
      fixedClock('2011-05-10'),
      sequentialIds('00000000-0000-4000-8000-f'),
      new InMemoryRoster({ parents: {} }),
    );
    await expect(sut.execute(pledge(c, OTHER_COUNTY), ctx(ROOT))).rejects.toBeInstanceOf(PledgeOutsideCampaignError);
  });
});
