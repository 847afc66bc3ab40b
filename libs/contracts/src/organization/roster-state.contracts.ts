import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';
import type { EventEnvelope } from '../envelope';
import { ContractRegistry } from '../registry';
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

// A row truly deleted (a benchmark's cleanup, a test: ADR 0029) leaves a state topic as a tombstone —
// value null, so compaction drops the key. A null value carries no signature, so the tombstone also
// carries, in the header STATE_REMOVAL_HEADER, the organization service's signed envelope of one of
// the two events below; consumers remove their copy only on one that verifies, names the
// tombstone's key and is newer than what they hold (ADR 0130).

/** The Kafka header of a state topic's tombstone that carries the signed removal (JSON envelope). */
export const STATE_REMOVAL_HEADER = 'vg-state-removal';

export const OrganizationStateRemoved = defineContract({
  context: 'organization',
  name: 'OrganizationStateRemoved',
  version: 1,
  stream: 'organization',
  topic: ORGANIZATION_STATE_TOPIC,
  subject: { name: 'orgId', of: (d: { orgId: string }) => d.orgId },
  description:
    "An organisation's row was truly deleted (a benchmark's cleanup, a test; organisations are otherwise never deleted: " +
    'dissolution and merger are states). Travels as the JSON value of the header `vg-state-removal` of the tombstone ' +
    '(null value) keyed `organization-<orgId>`, never as a value. The envelope streamVersion is drawn like a state version: remove ' +
    'the copy only when newer than it, and keep the version, so an older state replayed afterwards is not applied. ' +
    'orgId is `platform`: the row is gone. A tombstone without it, or whose removal is not signed by the organization service, removes nothing.',
  schema: z.object({ orgId: id }),
});

export const MemberStateRemoved = defineContract({
  context: 'organization',
  name: 'MemberStateRemoved',
  version: 1,
  stream: 'member',
  topic: MEMBER_STATE_TOPIC,
  subject: { name: 'memberId', of: (d: { memberId: string }) => d.memberId },
  description:
    "A member's row was truly deleted (a benchmark's cleanup, a test; members are otherwise never deleted: leaving is a state). " +
    'Travels as the JSON value of the header `vg-state-removal` of the tombstone (null value) keyed `member-<memberId>`, never as a ' +
    'value. The envelope streamVersion is drawn like a state version: remove the copy only when newer than it, and keep the version, ' +
    'so an older state replayed afterwards is not applied. orgId is `platform`: the row, and the organisation it named, are gone. ' +
    'A tombstone without it, or whose removal is not signed by the organization service, removes nothing.',
  schema: z.object({ memberId: id }),
});

export type OrganizationStateEvent = ContractEvent<typeof OrganizationState>;
export type MemberStateEvent = ContractEvent<typeof MemberState>;

export const rosterStateContracts = [OrganizationState, MemberState] as const;
/** Carried in a tombstone's header, never as a record's value: not among the contracts a state topic's values are read by. */
export const stateRemovalContracts = [OrganizationStateRemoved, MemberStateRemoved] as const;
export const ROSTER_STATE_TOPICS = [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC] as const;

const removals = new ContractRegistry(stateRemovalContracts);

/** What a state topic's tombstone claims to remove, or why it claims nothing. */
export type StateRemovalClaim =
  | {
      readonly ok: true;
      readonly kind: 'organization' | 'member';
      readonly id: string;
      /** The removal's version: above every state of the key published before it. */
      readonly version: number;
      /** Still to be verified: signed by the organization service (the verifier that checks its states). */
      readonly envelope: EventEnvelope;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads the removal a tombstone keyed `key` carries in its {@link STATE_REMOVAL_HEADER} header
 * (`header`, its value as text): a contract-valid OrganizationStateRemoved or MemberStateRemoved whose
 * streamId is that key. The signature is not checked here: a caller removes nothing before its
 * organisation verifier accepts `envelope` (ADR 0130).
 */
export function stateRemovalClaim(key: string | null, header: string | undefined): StateRemovalClaim {
  if (header === undefined)
    return { ok: false, reason: `tombstone of ${JSON.stringify(key)} without a signed removal (${STATE_REMOVAL_HEADER})` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return { ok: false, reason: `tombstone of ${JSON.stringify(key)}: ${STATE_REMOVAL_HEADER} is not JSON` };
  }
  const valid = removals.validate(parsed);
  if (!valid.ok)
    return { ok: false, reason: `tombstone of ${JSON.stringify(key)}: ${STATE_REMOVAL_HEADER} ${valid.reason}: ${valid.message}` };
  const { envelope, contract } = valid;
  if (envelope.streamId !== key)
    return { ok: false, reason: `tombstone of ${JSON.stringify(key)} carries the removal of ${envelope.streamId}` };
  const kind = contract.type === OrganizationStateRemoved.type ? 'organization' : 'member';
  return { ok: true, kind, id: envelope.streamId.slice(kind.length + 1), version: envelope.streamVersion, envelope };
}
