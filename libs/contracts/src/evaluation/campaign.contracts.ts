import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema, sectorSchema } from '../organization/vocabulary';

// 创先争优活动: a campaign over an organisation subtree, in four phases (seed 001 part 4),
// run in quarterly cycles each with a theme (一季一主题) that differs by sector (seed 001
// part 3). Campaign and cycles share one stream, `campaign-<id>`, so their order is one.

const id = z.uuid();

export const campaignPhaseSchema = z.enum(['mobilise', 'compete', 'benchmark_upgrade', 'summarise']);
export const phaseDatesSchema = z.object({ phase: campaignPhaseSchema, startsOn: daySchema, endsOn: daySchema });

export const CampaignLaunched = defineContract({
  context: 'evaluation',
  name: 'CampaignLaunched',
  version: 1,
  stream: 'campaign',
  description: 'A campaign was launched over an organisation subtree with its four phases and their dates.',
  schema: z.object({
    campaignId: id,
    orgId: id.describe('the root of the subtree the campaign covers'),
    name: z.string().min(1).max(200),
    phases: z.array(phaseDatesSchema).length(4),
  }),
});

export const cycleThemesSchema = z.object({
  default: z.string().min(1).max(200).describe('the quarter’s theme (一季一主题)'),
  bySector: z.partialRecord(sectorSchema, z.string().min(1).max(200)).describe('a sector’s own theme, where it differs'),
});

export const CyclePlanned = defineContract({
  context: 'evaluation',
  name: 'CyclePlanned',
  version: 1,
  stream: 'campaign',
  description: 'A quarterly cycle of the campaign was planned with its dates and themes.',
  schema: z.object({
    campaignId: id,
    cycleId: id,
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/, 'YYYY-Qn'),
    startsOn: daySchema,
    endsOn: daySchema,
    themes: cycleThemesSchema,
  }),
});

export const CycleOpened = defineContract({
  context: 'evaluation',
  name: 'CycleOpened',
  version: 1,
  stream: 'campaign',
  description: 'A planned cycle opened: pledges may be made in it.',
  schema: z.object({ campaignId: id, cycleId: id }),
});

export const CycleClosed = defineContract({
  context: 'evaluation',
  name: 'CycleClosed',
  version: 1,
  stream: 'campaign',
  description: 'A cycle closed: no more pledges in it.',
  schema: z.object({ campaignId: id, cycleId: id }),
});

export const campaignContracts = [CampaignLaunched, CyclePlanned, CycleOpened, CycleClosed] as const;
