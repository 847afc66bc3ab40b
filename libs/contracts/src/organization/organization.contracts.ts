import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';
import {
  daySchema,
  memberRoleSchema,
  memberStatusSchema,
  orgCodeSchema,
  orgKindSchema,
  orgLevelSchema,
  orgNameSchema,
  sectorSchema,
} from './vocabulary';

// Published language of the organization context. Primitive values only; members are
// identified by id and display name — never by clear-text ID-card numbers or phone numbers.

const id = z.uuid();

// Deprecation window (ADR 0012, docs/events/CHANGELOG.md): organisation events v1 name their
// organisation `organizationId`; the one name is `orgId`. The platform fills both in v1 until
// consumers move to v2 (orgId only) or upcast with `upcastOrganizationEvent`.
const deprecatedOrganizationId = id.meta({ deprecated: true, description: 'deprecated: read orgId (same value); removed in v2' });
const orgIdAlias = id.optional().describe('the organisation (same value as organizationId); the one name from v2 on');

export const OrganizationRegistered = defineContract({
  context: 'organization',
  name: 'OrganizationRegistered',
  version: 1,
  stream: 'organization',
  description: 'A party organisation was registered in the tree (党组织建立).',
  schema: z.object({
    organizationId: deprecatedOrganizationId,
    orgId: orgIdAlias,
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

export const OrganizationRenamed = defineContract({
  context: 'organization',
  name: 'OrganizationRenamed',
  version: 1,
  stream: 'organization',
  description: 'An organisation took a new name.',
  schema: z.object({
    organizationId: deprecatedOrganizationId,
    orgId: orgIdAlias,
    name: orgNameSchema,
    previousName: orgNameSchema,
  }),
});

export const OrganizationMoved = defineContract({
  context: 'organization',
  name: 'OrganizationMoved',
  version: 1,
  stream: 'organization',
  description: 'An organisation moved under another parent; its hierarchical code changes with it.',
  schema: z.object({
    organizationId: deprecatedOrganizationId,
    orgId: orgIdAlias,
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

export const OrganizationMerged = defineContract({
  context: 'organization',
  name: 'OrganizationMerged',
  version: 1,
  stream: 'organization',
  description: 'An organisation was merged into another; it ceases and its members belong to the surviving one.',
  schema: z.object({
    organizationId: id.meta({ deprecated: true, description: 'the organisation that ceases; deprecated: read orgId' }),
    orgId: id.optional().describe('the organisation that ceases (same value as organizationId)'),
    survivingOrganizationId: id.meta({ deprecated: true, description: 'deprecated: read survivingOrgId (same value)' }),
    survivingOrgId: id.optional().describe('the organisation that survives (same value as survivingOrganizationId)'),
    mergedOn: daySchema,
  }),
});

export const OrganizationDissolved = defineContract({
  context: 'organization',
  name: 'OrganizationDissolved',
  version: 1,
  stream: 'organization',
  description: 'An organisation was dissolved (e.g. a temporary organisation at the end of its project).',
  schema: z.object({
    organizationId: deprecatedOrganizationId,
    orgId: orgIdAlias,
    dissolvedOn: daySchema,
    reason: z.string().max(500).optional(),
  }),
});

export const MemberJoined = defineContract({
  context: 'organization',
  name: 'MemberJoined',
  version: 1,
  stream: 'member',
  description: 'A party member joined an organisation (full or probationary).',
  schema: z.object({
    memberId: id,
    orgId: id,
    name: z.string().min(1).max(100).describe('display name; no ID-card number or phone is ever published'),
    status: memberStatusSchema,
    joinedOn: daySchema,
    roles: z.array(memberRoleSchema),
  }),
});

export const MemberRoleAssigned = defineContract({
  context: 'organization',
  name: 'MemberRoleAssigned',
  version: 1,
  stream: 'member',
  description: 'A member took a role in their organisation (secretary, committee member, …).',
  schema: z.object({
    memberId: id,
    orgId: id,
    role: memberRoleSchema,
    assignedOn: daySchema,
  }),
});

export const MemberTransferRequested = defineContract({
  context: 'organization',
  name: 'MemberTransferRequested',
  version: 1,
  stream: 'member',
  description: 'A transfer of a member’s organisational relationship (组织关系转接) was requested.',
  schema: z.object({
    transferId: id,
    memberId: id,
    fromOrgId: id,
    toOrgId: id,
    requestedOn: daySchema,
  }),
});

export const MemberTransferred = defineContract({
  context: 'organization',
  name: 'MemberTransferred',
  version: 1,
  stream: 'member',
  description: 'A requested transfer completed; the member now belongs to the receiving organisation.',
  schema: z.object({
    transferId: id,
    memberId: id,
    fromOrgId: id,
    toOrgId: id,
    transferredOn: daySchema,
  }),
});

export const MemberLeft = defineContract({
  context: 'organization',
  name: 'MemberLeft',
  version: 1,
  stream: 'member',
  description: 'A member left their organisation other than by transfer.',
  schema: z.object({
    memberId: id,
    orgId: id,
    leftOn: daySchema,
    reason: z.string().max(500).optional(),
  }),
});

export const ContactPointEstablished = defineContract({
  context: 'organization',
  name: 'ContactPointEstablished',
  version: 1,
  stream: 'contact-point',
  description: 'A leading cadre took an organisation as their contact point (领导干部联系点).',
  schema: z.object({
    contactPointId: id,
    orgId: id,
    leaderId: id,
    leaderName: z.string().min(1).max(100),
    establishedOn: daySchema,
  }),
});

export const VisitLogged = defineContract({
  context: 'organization',
  name: 'VisitLogged',
  version: 1,
  stream: 'contact-point',
  description: 'A leader logged a visit to their contact point.',
  schema: z.object({
    visitId: id,
    contactPointId: id,
    orgId: id,
    leaderId: id,
    visitedOn: daySchema,
    summary: z.string().min(1).max(2000),
  }),
});

export const organizationContracts = [
  OrganizationRegistered,
  OrganizationRenamed,
  OrganizationMoved,
  OrganizationMerged,
  OrganizationDissolved,
  MemberJoined,
  MemberRoleAssigned,
  MemberTransferRequested,
  MemberTransferred,
  MemberLeft,
  ContactPointEstablished,
  VisitLogged,
] as const;

export type OrganizationEvent = ContractEvent<(typeof organizationContracts)[number]>;
