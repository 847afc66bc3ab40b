import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { findingSchema } from './comment.contracts';
import { decisionSchema } from './decision';

// 督导检查 (seed 004: 指导检查组 check units by special and random inspections and order
// rectifications with deadlines). One stream per inspection, `inspection-<id>`; the findings of each
// unit inspected open a findings stream of the comment category (ADR 0031's way, ADR 0038), so their
// rectifications are completed, marked overdue and listed by the comment slice's rules.

const id = z.uuid();

export const inspectionKindSchema = z.enum(['special', 'random']);

/** The group that inspects: a leader, its members (Keycloak subjects) and the subtree it may check. */
export const inspectionGroupSchema = z.object({
  name: z.string().min(1).max(200),
  leader: z.string().min(1).max(200).describe('Keycloak subject of the group leader'),
  members: z.array(z.string().min(1).max(200)).min(1).max(30).describe('Keycloak subjects of the members, the leader included'),
  scopeOrgId: id.describe('the root of the subtree the group may inspect'),
});

/** The most units one random draw records among its candidates. */
export const MAX_DRAW_CANDIDATES = 5000;

/**
 * A random draw as the system made it: the seed it generated, every candidate it drew from (ids
 * sorted, each at the tree copy's version) and how many it drew. `drawUnits(seed, candidates, count)`
 * of @vanguard/evaluation-domain gives the units again, so an auditor can replay the draw.
 */
export const inspectionDrawSchema = z.object({
  algorithm: z.literal('fnv1a-mulberry32-fisher-yates.v1'),
  seed: z.string().regex(/^[0-9a-f]{32}$/, '128-bit hex seed'),
  candidates: z
    .array(z.object({ orgId: id, version: z.int().min(0) }))
    .min(1)
    .max(MAX_DRAW_CANDIDATES),
  count: z.int().min(1).max(200),
});

export const InspectionLaunched = defineContract({
  context: 'evaluation',
  name: 'InspectionLaunched',
  version: 1,
  stream: 'inspection',
  description:
    'An inspection group launched a special or random inspection (督导检查) of units in its subtree; a random one records the seed and candidates its units were drawn from.',
  schema: z.object({
    inspectionId: id,
    kind: inspectionKindSchema,
    topic: z.string().min(1).max(500),
    launchedOn: daySchema,
    group: inspectionGroupSchema,
    units: z.array(id).min(1).max(200).describe('the units to inspect: chosen for a special inspection, drawn for a random one'),
    draw: inspectionDrawSchema.nullable(),
    decision: decisionSchema.describe('who launched it, the scope path read, the launch rule'),
  }),
});

/**
 * 检查发现问题: a member of the group records what it found at one unit of the inspection. They open
 * `comment-<commentId>` like a leader comment (ADR 0038), so the unit rectifies by the comment rules.
 */
export const InspectionFindingsRecorded = defineContract({
  context: 'evaluation',
  name: 'InspectionFindingsRecorded',
  version: 1,
  stream: 'comment',
  description:
    'Problems an inspection found at one unit recorded as findings with rectifications and deadlines, by a member of the inspection group, with the inspection read.',
  schema: z.object({
    commentId: id.describe('the findings stream’s id'),
    inspectionId: id,
    orgId: id.describe('the unit inspected, which rectifies'),
    recordedOn: daySchema,
    summary: z.string().min(1).max(4000),
    findings: z.array(findingSchema).min(1).max(50),
    decision: decisionSchema.describe('who recorded them, the inspection stream at the version read, the group-member rule'),
  }),
});

export const inspectionContracts = [InspectionLaunched, InspectionFindingsRecorded] as const;
