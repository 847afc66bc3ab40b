import path from 'node:path';
import { z } from 'zod';
import { publishedVersions } from '../compatibility/published-history';
import { findBreakingChanges } from '../compatibility/schema-compatibility';
import { contractJsonSchema, schemaFileName } from '../docs/contract-docs';
import type { EventEnvelope } from '../envelope';
import { publicContracts } from '../public-contracts';
import { OrganizationMerged, OrganizationRegistered } from './organization.contracts';
import { OrganizationMergedV2, OrganizationRegisteredV2, upcastOrganizationEvent, withOrgIdAliases } from './organization-v2.contracts';

const root = path.resolve(__dirname, '../../../..');
const ORG = '0190a6f0-0000-7000-8000-000000000001';
const SURVIVOR = '0190a6f0-0000-7000-8000-000000000002';

const envelope = (type: string, version: number, data: Record<string, unknown>): EventEnvelope => ({
  eventId: '0190a6f0-0000-7000-8000-0000000000ee',
  type,
  version,
  streamId: `organization-${ORG}`,
  streamVersion: 1,
  occurredAt: '2011-05-01T08:00:00.000Z',
  recordedAt: '2011-05-01T08:00:00.000Z',
  actor: { sub: 'u', roles: ['organizer'] },
  orgId: ORG,
  correlationId: 'c',
  causationId: null,
  data,
});
const registeredV1 = {
  organizationId: ORG,
  code: '910425101',
  name: '白桦镇党委',
  level: 'township',
  kind: 'committee',
  sector: 'rural',
  parentId: SURVIVOR,
  temporary: false,
  establishedOn: '2011-01-01',
};
const mergedV1 = { organizationId: ORG, survivingOrganizationId: SURVIVOR, mergedOn: '2012-01-01' };

/** A consumer that validates with the JSON Schema as first published on main, as an integrator's would. */
const oldConsumer = (file: string) => {
  const oldest = publishedVersions(root, `docs/events/schemas/${file}`).at(-1);
  if (!oldest) throw new Error(`${file} was never published`);
  return z.fromJSONSchema(JSON.parse(oldest.content) as Parameters<typeof z.fromJSONSchema>[0]);
};

describe('organizationId → orgId deprecation window', () => {
  const sut = upcastOrganizationEvent;

  it.each([
    [OrganizationRegistered.type, OrganizationRegistered, registeredV1],
    [OrganizationMerged.type, OrganizationMerged, mergedV1],
  ] as const)('%s v1 with both names is still accepted by consumers of the v1 first published', (_type, contract, data) => {
    const consumer = oldConsumer(schemaFileName(contract));
    const window = envelope(contract.type, 1, withOrgIdAliases(contract.type, data));
    expect(window.data).toMatchObject({ orgId: ORG });
    expect(consumer.safeParse(window).error).toBeUndefined();
    expect(publicContracts.validate(window).ok).toBe(true);
    // Why v1 keeps the old name for now: the v2 shape alone would be refused by those consumers.
    const v2Only = sut({ ...window, data: withOrgIdAliases(contract.type, data) }).data;
    expect(consumer.safeParse(envelope(contract.type, 1, v2Only)).success).toBe(false);
  });

  it('v1 as first published and v1 in the window are compatible both ways', () => {
    for (const c of [OrganizationRegistered, OrganizationMerged]) {
      const first = publishedVersions(root, `docs/events/schemas/${schemaFileName(c)}`).at(-1)!;
      expect(findBreakingChanges(JSON.parse(first.content), contractJsonSchema(c))).toEqual([]);
    }
  });

  it('upcasts an old v1 (organizationId only) and a window v1 (both names) to the same valid v2', () => {
    const old = sut(envelope(OrganizationMerged.type, 1, mergedV1));
    const window = sut(envelope(OrganizationMerged.type, 1, withOrgIdAliases(OrganizationMerged.type, mergedV1)));

    expect(old).toEqual(window);
    expect(old).toMatchObject({ version: 2, data: { orgId: ORG, survivingOrgId: SURVIVOR, mergedOn: '2012-01-01' } });
    expect(old.data).not.toHaveProperty('organizationId');
    expect(OrganizationMergedV2.schema.safeParse(old.data).success).toBe(true);
    expect(OrganizationRegisteredV2.schema.safeParse(sut(envelope(OrganizationRegistered.type, 1, registeredV1)).data).success).toBe(true);
  });

  it('refuses a v1 whose two names disagree', () => {
    expect(() => sut(envelope(OrganizationRegistered.type, 1, { ...registeredV1, orgId: SURVIVOR }))).toThrow(/disagree/);
  });

  it('leaves member events and v2 alone', () => {
    const joined = { ...envelope('organization.MemberJoined', 1, { orgId: ORG }), streamId: 'member-x' };
    expect(sut(joined)).toBe(joined);
    const v2 = envelope(OrganizationRegistered.type, 2, { orgId: ORG });
    expect(sut(v2)).toBe(v2);
  });
});
