import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';

// 宣传 (issue 15): exemplars proposed from decided commendations and selected quarter pioneers,
// published by an editor; articles published in the media at a level. One stream per exemplar,
// `exemplar-<exemplarId>`, and per article, `article-<articleId>`. No personal data: a name, an
// organisation and a category are what the honour roll shows anyway.

const id = z.uuid();

/** Where a proposal came from: the decision that commended, or the quarter pioneer selection. */
export const exemplarSourceSchema = z.object({
  kind: z.enum(['commendation', 'quarter_pioneer']),
  streamId: z.string().min(1).max(200).describe('the source stream, e.g. nomination-<id> or pioneer-<orgId>-<cycleId>'),
  eventId: id.describe('the consumed event that proposed it'),
});

/** 中央 / 省级 / 市级 / 县级 media (seed 002 counts articles by level). */
export const mediaLevelSchema = z.enum(['central', 'provincial', 'municipal', 'county']);
/** 报纸、广播、电视、网络、简报、短信. */
export const mediaChannelSchema = z.enum(['press', 'radio', 'tv', 'web', 'briefing', 'sms']);

export const ExemplarProposed = defineContract({
  context: 'publicity',
  name: 'ExemplarProposed',
  version: 1,
  stream: 'exemplar',
  description:
    'A decided commendation or a selected quarter pioneer was proposed as an exemplar (先进典型) for an editor to accept, edit or decline.',
  schema: z.object({
    exemplarId: id,
    source: exemplarSourceSchema,
    subjectKind: z.enum(['member', 'organization']),
    subjectId: id,
    orgId: id.describe('the member’s organisation, or the organisation itself'),
  }),
});

export const ExemplarPublished = defineContract({
  context: 'publicity',
  name: 'ExemplarPublished',
  version: 1,
  stream: 'exemplar',
  description: 'An editor accepted an exemplar proposal and published it on the honour roll (光荣榜).',
  schema: z.object({
    exemplarId: id,
    subjectKind: z.enum(['member', 'organization']),
    subjectId: id,
    orgId: id,
    name: z.string().min(1).max(200),
    category: z.string().min(1).max(100),
    publishedOn: daySchema,
  }),
});

export const ExemplarTakenDown = defineContract({
  context: 'publicity',
  name: 'ExemplarTakenDown',
  version: 1,
  stream: 'exemplar',
  description:
    'An editor took a published exemplar off the honour roll (光荣榜), with the reason its public history shows. A commendation behind it stays on the roll; a mirror of the roll drops the exemplar’s story.',
  schema: z.object({
    exemplarId: id,
    subjectKind: z.enum(['member', 'organization']),
    subjectId: id,
    orgId: id,
    reason: z.string().min(1).max(1000),
    publishedOn: daySchema.describe('the day it was published, which the take-down undoes'),
    takenDownOn: daySchema,
  }),
});

export const ArticlePublished = defineContract({
  context: 'publicity',
  name: 'ArticlePublished',
  version: 1,
  stream: 'article',
  description:
    'An article (稿件) about an organisation’s work appeared in an outlet at a media level; reprints elsewhere are further publications of the same article.',
  schema: z.object({
    articleId: id,
    orgId: id,
    outlet: z.string().min(1).max(200),
    level: mediaLevelSchema,
    channel: mediaChannelSchema,
    publishedOn: daySchema,
    link: z
      .string()
      .max(2000)
      .regex(/^https?:\/\//, 'an http(s) address')
      .optional(),
  }),
});

export const publicityContracts = [ExemplarProposed, ExemplarPublished, ExemplarTakenDown, ArticlePublished] as const;
