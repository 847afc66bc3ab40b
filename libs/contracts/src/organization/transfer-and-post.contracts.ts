import { z } from 'zod';
import { defineContract } from '../contract';
import { noPersonalNumbers } from '../no-personal-numbers.refinement';
import { refineBy } from '../refinements';
import { daySchema, vanguardPostSchema } from './vocabulary';

// The steps of a transfer (组织关系转接) between request and completion, its ending without a
// decision, and 亮牌示范. On the member's stream, so a consumer sees request → accepted/rejected →
// transferred (or cancelled) in order.

const id = z.uuid();

export const MemberTransferAccepted = defineContract({
  context: 'organization',
  name: 'MemberTransferAccepted',
  version: 1,
  stream: 'member',
  description: 'The receiving organisation accepted a requested transfer (接收); completion follows.',
  schema: z.object({
    transferId: id,
    memberId: id,
    fromOrgId: id,
    toOrgId: id,
    acceptedOn: daySchema,
  }),
});

export const MemberTransferRejected = defineContract({
  context: 'organization',
  name: 'MemberTransferRejected',
  version: 1,
  stream: 'member',
  description: 'The receiving organisation rejected a requested transfer (拒收), with its reason; the member stays.',
  schema: z.object({
    transferId: id,
    memberId: id,
    fromOrgId: id,
    toOrgId: id,
    rejectedOn: daySchema,
    reason: z.string().min(1).max(500).describe('why the receiving organisation refused; no personal numbers'),
  }),
});

/**
 * v2: the reason is refused when it carries an ID-card or phone number (it is published in
 * clear). A new version because that refuses messages v1 allowed; the platform publishes v2.
 * No upcaster: a v1 reason cannot be made to pass, and no consumer of v1 exists in the platform.
 */
export const MemberTransferRejectedV2 = defineContract({
  context: 'organization',
  name: 'MemberTransferRejected',
  version: 2,
  stream: 'member',
  description:
    'The receiving organisation rejected a requested transfer (拒收), with its reason (no ID-card or phone number); the member stays.',
  schema: z.object({
    transferId: id,
    memberId: id,
    fromOrgId: id,
    toOrgId: id,
    rejectedOn: daySchema,
    reason: refineBy(z.string().min(1).max(500), noPersonalNumbers).describe('why the receiving organisation refused'),
  }),
});

/** Why an open transfer ended without a decision (ADR 0120): what it was about went away. */
export const transferCancellationReasonSchema = z.enum(['member_left', 'receiver_dissolved', 'merged_into_one']);

export const MemberTransferCancelled = defineContract({
  context: 'organization',
  name: 'MemberTransferCancelled',
  version: 1,
  stream: 'member',
  description:
    'An open transfer (requested or accepted) ended without a decision (转接终止), because what it was about went away; ' +
    'it can no longer be accepted, rejected or completed, and the member may be transferred again. ' +
    'Published once per transfer, in the transaction that ends it, after the event that caused it on the member’s stream ' +
    '(MemberLeft) or beside it on the organisation’s (OrganizationMerged, OrganizationDissolved). ' +
    'A merge that leaves the transfer open publishes nothing for it: the absorbed side is the survivor’s from OrganizationMerged on.',
  schema: z.object({
    transferId: id,
    memberId: id,
    fromOrgId: id.describe('the sending organisation when it ended (after a merge, the survivor)'),
    toOrgId: id.describe('the receiving organisation when it ended (after a merge, the survivor)'),
    cancelledOn: daySchema,
    reason: transferCancellationReasonSchema.describe(
      'member_left: the member left (the platform or a county roster removal); receiver_dissolved: the receiving organisation ' +
        'was dissolved; merged_into_one: a merge made both sides one organisation (fromOrgId = toOrgId = the survivor)',
    ),
  }),
});

export const VanguardPostGranted = defineContract({
  context: 'organization',
  name: 'VanguardPostGranted',
  version: 1,
  stream: 'member',
  description:
    'A member took a vanguard post (亮牌示范: 先锋岗 / 示范岗 / 责任区 / 示范户). Granting a post held already publishes nothing.',
  schema: z.object({
    memberId: id,
    orgId: id,
    post: vanguardPostSchema,
    grantedOn: daySchema,
  }),
});

export const transferAndPostContracts = [
  MemberTransferAccepted,
  MemberTransferRejected,
  MemberTransferRejectedV2,
  MemberTransferCancelled,
  VanguardPostGranted,
] as const;
