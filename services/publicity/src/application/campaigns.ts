import { CampaignLaunched, type ContractEvent } from '@vanguard/contracts';
import type { Tx } from '../infrastructure/persistence/unit-of-work';
import { mustHangTogether, type Origin } from './exemplar-proposals';

/**
 * 创先争优活动 as evaluation launched them: the campaigns an article may report on (ADR 0074),
 * with the subtree each covers and its first and last day. A copy delivered again changes nothing.
 */
export async function campaignLaunched(tx: Tx, event: ContractEvent<typeof CampaignLaunched>, origin: Origin): Promise<void> {
  const d = event.data;
  mustHangTogether(event, CampaignLaunched.topic, origin, `campaign-${d.campaignId}`);
  const days = d.phases.flatMap((p) => [p.startsOn, p.endsOn]).sort();
  await tx.query(
    `insert into campaigns (id, org_id, name, starts_on, ends_on, launched_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do nothing`,
    [d.campaignId, d.orgId, d.name, days[0], days[days.length - 1], event.occurredAt],
  );
}
