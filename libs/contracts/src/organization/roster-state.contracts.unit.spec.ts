import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../envelope';
import { asyncApiDocument } from '../docs/contract-docs';
import { publicContracts } from '../public-contracts';
import {
  MEMBER_STATE_TOPIC,
  MemberStateRemoved,
  ORGANIZATION_STATE_TOPIC,
  OrganizationStateRemoved,
  STATE_REMOVAL_HEADER,
  stateRemovalClaim,
} from './roster-state.contracts';

const removal = (type: string, streamId: string, data: Record<string, unknown>): EventEnvelope => ({
  eventId: randomUUID(),
  type,
  version: 1,
  streamId,
  streamVersion: 42,
  occurredAt: '2026-12-04T00:00:00.000Z',
  recordedAt: '2026-12-04T00:00:00.000Z',
  actor: { sub: 'organization-roster-state', roles: [], kind: 'service' },
  orgId: 'platform',
  correlationId: randomUUID(),
  causationId: null,
  data,
});

describe(stateRemovalClaim.name, () => {
  const id = randomUUID();

  it('stateRemovalClaim_WhenTheHeaderRemovesTheTombstonesKey_ClaimsThatKeyAtItsVersion', () => {
    const member = removal(MemberStateRemoved.type, `member-${id}`, { memberId: id });
    const org = removal(OrganizationStateRemoved.type, `organization-${id}`, { orgId: id });

    expect(stateRemovalClaim(`member-${id}`, JSON.stringify(member))).toMatchObject({ ok: true, kind: 'member', id, version: 42 });
    expect(stateRemovalClaim(`organization-${id}`, JSON.stringify(org))).toMatchObject({ ok: true, kind: 'organization', id, version: 42 });
  });

  it.each<[string, string | undefined]>([
    ['no header', undefined],
    ['not JSON', '{'],
    ['another key', JSON.stringify(removal(MemberStateRemoved.type, `member-${randomUUID()}`, { memberId: randomUUID() }))],
    ['a streamId its data does not name', JSON.stringify(removal(MemberStateRemoved.type, `member-${id}`, { memberId: randomUUID() }))],
    ['the other kind', JSON.stringify(removal(OrganizationStateRemoved.type, `organization-${id}`, { orgId: id }))],
    ['a state, not a removal', JSON.stringify(removal('organization.MemberState', `member-${id}`, { memberId: id }))],
  ])('stateRemovalClaim_With_%s_ClaimsNothing', (_, header) => {
    expect(stateRemovalClaim(`member-${id}`, header)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('the removals are public contracts on the state topics, and the state channels say how a tombstone is read', () => {
    expect([MemberStateRemoved.topic, OrganizationStateRemoved.topic]).toEqual([MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC]);
    expect(publicContracts.find(MemberStateRemoved.type, 1)).toBe(MemberStateRemoved);
    const channels = (asyncApiDocument(publicContracts) as { channels: Record<string, { address: string; description: string }> }).channels;
    for (const topic of [MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC])
      expect(Object.values(channels).find((c) => c.address === topic)?.description).toContain(STATE_REMOVAL_HEADER);
  });
});
