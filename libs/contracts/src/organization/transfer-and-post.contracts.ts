import { z } from 'zod';
import { defineContract } from '../contract';
import { noPersonalNumbers } from '../no-personal-numbers.refinement';
import { refineBy } from '../refinements';
import { daySchema, vanguardPostSchema } from './vocabulary';

// The steps of a transfer (组织关系转接) between request and completion, and 亮牌示范. On the
// member's stream, so a consumer sees request → accepted/rejected → transferred in order.

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
  VanguardPostGranted,
] as const;
