import { z } from 'zod';
import { defineContract } from '../contract';
import type { EventEnvelope } from '../envelope';
import { daySchema, orgCodeSchema, orgKindSchema, orgLevelSchema, orgNameSchema, sectorSchema } from './vocabulary';

// Organisation events v2: the organisation is `orgId`, as in every member, contact-point and
// county event, the envelope and the token's `org_id` (ADR 0012). Same topic, same key.
// During the deprecation window the platform publishes v1 with both names; consumers that
// read v2 turn every v1 message into v2 with `upcastOrganizationEvent`.

const id = z.uuid();

export const OrganizationRegisteredV2 = defineContract({
  context: 'organization',
  name: 'OrganizationRegistered',
  version: 2,
  stream: 'organization',
  description: 'A party organisation was registered in the tree (党组织建立).',
  schema: z.object({
    orgId: id,
    code: orgCodeSchema,
    name: orgNameSchema,
    level: orgLevelSchema,
    kind: orgKindSchema,
    sector: sectorSchema,
    parentId: id.nullable().describe('null only for the root (province) organisation'),
    parentCode: orgCodeSchema
      .nullable()
      .optional()
      .describe("the parent's code when this was registered: the code's own segment is what follows it (ADR 0009)"),
    temporary: z.boolean().describe('临时党组织, formed inside a key project'),
    establishedOn: daySchema,
  }),
});

export const OrganizationRenamedV2 = defineContract({
  context: 'organization',
  name: 'OrganizationRenamed',
  version: 2,
  stream: 'organization',
  description: 'An organisation took a new name.',
  schema: z.object({ orgId: id, name: orgNameSchema, previousName: orgNameSchema }),
});

export const OrganizationMovedV2 = defineContract({
  context: 'organization',
  name: 'OrganizationMoved',
  version: 2,
  stream: 'organization',
  description: 'An organisation moved under another parent; its hierarchical code changes with it.',
  schema: z.object({
    orgId: id,
    parentId: id,
    previousParentId: id.nullable(),
    parentCode: orgCodeSchema
      .optional()
      .describe("the new parent's code at the move: the code's own segment is what follows it (ADR 0009)"),
    code: orgCodeSchema,
    previousCode: orgCodeSchema,
    movedOn: daySchema,
  }),
});

export const OrganizationMergedV2 = defineContract({
  context: 'organization',
  name: 'OrganizationMerged',
  version: 2,
  stream: 'organization',
  description: 'An organisation was merged into another; it ceases and its members belong to the surviving one.',
  schema: z.object({ orgId: id.describe('the organisation that ceases'), survivingOrgId: id, mergedOn: daySchema }),
});

export const OrganizationDissolvedV2 = defineContract({
  context: 'organization',
  name: 'OrganizationDissolved',
  version: 2,
  stream: 'organization',
  description: 'An organisation was dissolved (e.g. a temporary organisation at the end of its project).',
  schema: z.object({ orgId: id, dissolvedOn: daySchema, reason: z.string().max(500).optional() }),
});

export const organizationV2Contracts = [
  OrganizationRegisteredV2,
  OrganizationRenamedV2,
  OrganizationMovedV2,
  OrganizationMergedV2,
  OrganizationDissolvedV2,
] as const;

const RENAMED_IN_V2: Readonly<Record<string, string>> = { organizationId: 'orgId', survivingOrganizationId: 'survivingOrgId' };
const HAS_V2 = new Set<string>(organizationV2Contracts.map((c) => c.type));

/** Whether this envelope is an organisation event v1, the shape that names the organisation `organizationId`. */
export function isOrganizationEventV1(e: Pick<EventEnvelope, 'type' | 'version'>): boolean {
  return e.version === 1 && HAS_V2.has(e.type);
}

/**
 * v1 data with the new names beside the old ones (what the platform publishes during the
 * deprecation window); other events' data unchanged.
 */
export function withOrgIdAliases(type: string, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!HAS_V2.has(type)) return { ...data };
  const out: Record<string, unknown> = { ...data };
  for (const [old, now] of Object.entries(RENAMED_IN_V2)) if (old in data) out[now] = data[old];
  return out;
}

/**
 * Upcaster v1 → v2 for organisation events; any other envelope comes back unchanged. Reads
 * either name (old v1 messages carry only `organizationId`) and refuses one whose two names
 * disagree rather than guess which one a consumer meant.
 */
export function upcastOrganizationEvent<E extends EventEnvelope>(e: E): E {
  if (!isOrganizationEventV1(e)) return e;
  const data: Record<string, unknown> = { ...(e.data as Record<string, unknown>) };
  for (const [old, now] of Object.entries(RENAMED_IN_V2)) {
    if (!(old in data)) continue;
    if (now in data && data[now] !== data[old]) throw new Error(`${e.type} v1 ${e.eventId}: ${old} and ${now} disagree`);
    data[now] = data[old];
    delete data[old];
  }
  return { ...e, version: 2, data };
}
