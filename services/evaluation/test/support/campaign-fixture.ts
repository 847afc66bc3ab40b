import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';

export const PHASES = [
  { phase: 'mobilise', startsOn: '2010-04-01', endsOn: '2010-05-31' },
  { phase: 'compete', startsOn: '2010-06-01', endsOn: '2011-06-30' },
  { phase: 'benchmark_upgrade', startsOn: '2011-07-01', endsOn: '2012-06-30' },
  { phase: 'summarise', startsOn: '2012-07-01', endsOn: '2012-10-31' },
];

/** A fresh campaign over 松岭旗 with its 2011-Q2 cycle open, so each suite counts only its own pledges. */
export async function openCampaign(app: INestApplication, organizerToken: string): Promise<{ campaignId: string; cycleId: string }> {
  const auth = { Authorization: `Bearer ${organizerToken}` };
  const http = () => request(app.getHttpServer() as Parameters<typeof request>[0]);
  const c = await http()
    .post('/campaigns')
    .set(auth)
    .send({ orgId: demoOrgId('910425'), name: '松岭旗创先争优活动', phases: PHASES });
  if (c.status !== 201) throw new Error(`launch: ${c.status} ${JSON.stringify(c.body)}`);
  const campaignId = (c.body as { campaignId: string }).campaignId;
  const q = await http()
    .post(`/campaigns/${campaignId}/cycles`)
    .set(auth)
    .send({
      quarter: '2011-Q2',
      startsOn: '2011-04-01',
      endsOn: '2011-06-30',
      themes: { default: '服务群众', bySector: { rural: '领头雁工程' } },
    });
  if (q.status !== 201) throw new Error(`plan: ${q.status} ${JSON.stringify(q.body)}`);
  const cycleId = (q.body as { cycleId: string }).cycleId;
  const o = await http().post(`/campaigns/${campaignId}/cycles/${cycleId}/open`).set(auth);
  if (o.status !== 200) throw new Error(`open: ${o.status} ${JSON.stringify(o.body)}`);
  return { campaignId, cycleId };
}
