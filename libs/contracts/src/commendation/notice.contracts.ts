import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { commendationDecisionSchema } from './decision';
import { awardCategorySchema, noticeDayKindSchema } from './vocabulary';

// 公示: the awarding body publishes its shortlist for N calendar or working days. A changed
// shortlist is noticed again, as a new round, for a full period. One stream per programme,
// `public-notice-<programmeId>`.

const id = z.uuid();

export const noticeEntrySchema = z.object({
  nominationId: id,
  nominationVersion: z.int().min(1).describe('the nomination stream version read when the notice was published'),
  category: awardCategorySchema,
  name: z.string().min(1).max(200),
  orgName: z.string().min(1).max(200),
  deedsSummary: z.string().min(1).max(500),
});

/** The most nominations one notice lists. */
export const MAX_NOTICE_ENTRIES = 2000;

export const PublicNoticePublished = defineContract({
  context: 'commendation',
  name: 'PublicNoticePublished',
  version: 1,
  stream: 'public-notice',
  description:
    'The awarding body published its shortlist (公示) for a full period: round 1, or a later round because the shortlist changed. Only what a notice shows: name, organisation, category, deeds summary.',
  schema: z.object({
    programmeId: id,
    awardingOrgId: id.describe('the awarding body that publishes the notice'),
    round: z.int().min(1),
    startsOn: daySchema,
    endsOn: daySchema.describe('the last day of the period; objections are taken until then'),
    days: z.int().min(1).max(30),
    dayKind: noticeDayKindSchema,
    calendar: z
      .object({ holidays: z.array(daySchema).max(400), makeUpWorkdays: z.array(daySchema).max(400) })
      .describe('the operator’s working-day adjustments between startsOn and endsOn, as read'),
    entries: z.array(noticeEntrySchema).min(1).max(MAX_NOTICE_ENTRIES),
    decision: commendationDecisionSchema,
  }),
});

export const noticeContracts = [PublicNoticePublished] as const;
