import { randomUUID } from 'node:crypto';
import type { PledgeEvent } from '@vanguard/evaluation-domain';
import { seededRandom } from '@vanguard/testing';

/** The shared seeded generator (mulberry32), so a failing history can be replayed from its seed. */
export const seeded = seededRandom;

const decision = (orgId: string, reason = '') => ({
  decidedBy: { sub: 'history', role: 'organizer', orgId },
  inputs: [],
  rule: { id: 'pledge.history', version: 1 },
  reason,
});

/**
 * One pledge's whole life as valid contract events, in stream order: made, returned and
 * amended up to twice, filed, published, progress reports, fulfilled or lapsed, sometimes rated.
 * A random prefix of it stands for a pledge still under way.
 */
export function pledgeHistory(random: () => number, at: { orgId: string; campaignId: string; cycleId: string }): PledgeEvent[] {
  const pledgeId = randomUUID();
  const events: PledgeEvent[] = [
    {
      type: 'evaluation.PledgeMade',
      data: {
        pledgeId,
        campaignId: at.campaignId,
        cycleId: at.cycleId,
        pledger: { kind: 'organization', id: at.orgId },
        orgId: at.orgId,
        category: 'deed_for_masses',
        content: '为群众办实事',
        dueOn: '2011-06-20',
        followsPledgeId: null,
      },
    },
  ];
  for (let r = Math.floor(random() * 3); r > 0; r--) {
    events.push({ type: 'evaluation.PledgeReturned', data: { pledgeId, decision: decision(at.orgId, '目标不具体') } });
    events.push({
      type: 'evaluation.PledgeAmended',
      data: { pledgeId, category: 'stage_task', content: '修路三公里', dueOn: '2011-06-25' },
    });
  }
  events.push({ type: 'evaluation.PledgeFiled', data: { pledgeId, decision: decision(at.orgId) } });
  events.push({ type: 'evaluation.PledgePublished', data: { pledgeId } });
  let percent = 0;
  for (let p = Math.floor(random() * 3); p > 0; p--) {
    percent = Math.min(100, percent + 1 + Math.floor(random() * 40));
    events.push({ type: 'evaluation.PledgeProgressReported', data: { pledgeId, note: '进展', percent } });
  }
  if (random() < 0.8) events.push({ type: 'evaluation.PledgeFulfilled', data: { pledgeId, decision: decision(at.orgId) } });
  else events.push({ type: 'evaluation.PledgeLapsed', data: { pledgeId, decision: decision(at.orgId, '未按期完成') } });
  if (random() < 0.5) {
    const tally = { satisfied: Math.floor(random() * 20), basicallySatisfied: Math.floor(random() * 5), dissatisfied: 1 };
    const voters = tally.satisfied + tally.basicallySatisfied + tally.dissatisfied;
    const satisfactionPermille = Math.floor((1000 * (tally.satisfied + tally.basicallySatisfied)) / voters);
    events.push({ type: 'evaluation.PledgeRated', data: { pledgeId, tally, satisfactionPermille, decision: decision(at.orgId) } });
  }
  return random() < 0.25 ? events.slice(0, 1 + Math.floor(random() * events.length)) : events;
}
