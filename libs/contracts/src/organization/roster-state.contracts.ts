import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';
import {
  memberRoleSchema,
  memberStatusSchema,
  orgCodeSchema,
  orgKindSchema,
  orgLevelSchema,
  orgNameSchema,
  sectorSchema,
  vanguardPostSchema,
} from './vocabulary';

// Event-carried state transfer (issue 10, ADR 0029): the LATEST state of each organisation and
// each member, keyed by id on compacted topics, so a new consumer bootstraps by reading a
// topic from the beginning and then follows it. `streamVersion` is the state's version: it
// only grows for one key, so a consumer applies a record only if it is newer than its copy.
// No personal data: members appear by id only — no name, no ID-card number, no phone
// (contact points by their leader's subject id, without the leader's name).

const id = z.uuid();

/** Compacted; key `organization-<id>`. */
export const ORGANIZATION_STATE_TOPIC = 'vanguard.organization.organization-state.v1';
/** Compacted; key `member-<id>`. */
export const MEMBER_STATE_TOPIC = 'vanguard.organization.member-state.v1';

export const OrganizationState = defineContract({
  context: 'organization',
  name: 'OrganizationState',
  version: 1,
  stream: 'organization',
  topic: ORGANIZATION_STATE_TOPIC,
  description:
    "An organisation's latest state (compacted topic, one record per organisation kept): its place in the tree, status and contact points. " +
    'The envelope streamVersion is the state version; apply a record only if it is newer than the copy.',
  schema: z.object({
    orgId: id,
    parentId: id.nullable().describe('null only for the root'),
    path: z.array(id).min(1).describe('ids from the root down to this organisation, itself last'),
    code: orgCodeSchema,
    name: orgNameSchema,
    level: orgLevelSchema,
    kind: orgKindSchema,
    sector: sectorSchema,
    status: z.enum(['active', 'dissolved', 'merged']),
    mergedIntoId: id.nullable().describe('the survivor when merged'),
    contactPoints: z
      .array(z.object({ contactPointId: id, leaderId: id.describe("the contact-point leader's account subject (no name)") }))
      .describe('领导干部联系点 linked to this organisation'),
  }),
});

export const MemberState = defineContract({
  context: 'organization',
  name: 'MemberState',
  version: 1,
  stream: 'member',
  topic: MEMBER_STATE_TOPIC,
  description:
    "A member's latest state (compacted topic, one record per member kept), by pseudonymous id only: organisation, standing, roles and posts. " +
    'No name, ID-card number or phone. The envelope streamVersion is the state version; apply a record only if it is newer than the copy.',
  schema: z.object({
    memberId: id,
    orgId: id.describe('the organisation the member belongs to (or last belonged to, once left)'),
    status: memberStatusSchema,
    membership: z.enum(['active', 'left']).describe('`left` after leaving other than by transfer; a transfer changes orgId'),
    roles: z.array(memberRoleSchema),
    posts: z.array(vanguardPostSchema),
  }),
});

export type OrganizationStateEvent = ContractEvent<typeof OrganizationState>;
export type MemberStateEvent = ContractEvent<typeof MemberState>;

export const rosterStateContracts = [OrganizationState, MemberState] as const;
export const ROSTER_STATE_TOPICS = [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC] as const;
