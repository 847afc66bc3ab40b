import { randomUUID } from 'node:crypto';
import { CampaignLaunched, contextTopic, type ContractEvent } from '@vanguard/contracts';
import type { Tx } from '../infrastructure/persistence/unit-of-work';
import { campaignLaunched } from './campaigns';
import { ForgedEvent } from './exemplar-proposals';

describe(campaignLaunched.name, () => {
  const campaignId = randomUUID();
  const event = {
    eventId: randomUUID(),
    type: CampaignLaunched.type,
    streamId: `campaign-${campaignId}`,
    occurredAt: '2026-04-01T01:00:00.000Z',
    data: {
      campaignId,
      orgId: randomUUID(),
      name: '创先争优活动',
      phases: [
        { phase: 'compete', startsOn: '2026-06-01', endsOn: '2026-09-30' },
        { phase: 'mobilise', startsOn: '2026-04-01', endsOn: '2026-05-31' },
        { phase: 'summarise', startsOn: '2026-12-01', endsOn: '2026-12-31' },
        { phase: 'benchmark_upgrade', startsOn: '2026-10-01', endsOn: '2026-11-30' },
      ],
    },
  } as unknown as ContractEvent<typeof CampaignLaunched>;
  const recording = () => {
    const queries: unknown[][] = [];
    const tx = {
      query: (_sql: string, params: unknown[]) => {
        queries.push(params);
        return Promise.resolve([]);
      },
    } as unknown as Tx;
    return { queries, tx };
  };

  it('keeps the campaign with its subtree and its first and last day, whatever order the phases come in', async () => {
    const { queries, tx } = recording();
    await campaignLaunched(tx, event, { topic: CampaignLaunched.topic });
    expect(queries).toEqual([[campaignId, event.data.orgId, '创先争优活动', '2026-04-01', '2026-12-31', event.occurredAt]]);
  });

  it('refuses, storing nothing, a launch naming a stream not its own or arriving on another context’s topic', async () => {
    for (const [e, topic] of [
      [{ ...event, streamId: `campaign-${randomUUID()}` }, CampaignLaunched.topic],
      [event, contextTopic('commendation')],
    ] as const) {
      const { queries, tx } = recording();
      await expect(campaignLaunched(tx, e, { topic })).rejects.toBeInstanceOf(ForgedEvent);
      expect(queries).toEqual([]);
    }
  });
});
