import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineContract } from './contract';
import { ContractRegistry, ContractViolationError } from './registry';
import { MemberJoined, OrganizationRegistered } from './organization/organization.contracts';

const orgId = '00000000-0000-4000-8000-000000130102';

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type: 'organization.OrganizationRegistered',
    version: 1,
    streamId: `organization-${orgId}`,
    streamVersion: 1,
    occurredAt: '2011-04-01T08:00:00.000Z',
    recordedAt: '2011-04-01T08:00:00.120Z',
    actor: { sub: 'organizer-1301', roles: ['organizer'], orgId, kind: 'user' },
    orgId,
    correlationId: randomUUID(),
    causationId: null,
    data: {
      organizationId: orgId,
      code: '130102',
      name: '城关镇党委',
      level: 'township',
      kind: 'committee',
      sector: 'rural',
      parentId: '00000000-0000-4000-8000-000000001301',
      temporary: false,
      establishedOn: '1984-07-01',
    },
    ...overrides,
  };
}

describe(ContractRegistry.name, () => {
  const sut = new ContractRegistry([OrganizationRegistered, MemberJoined]);

  it('validate_WhenEnvelopeAndDataMatchTheContract_ReturnsTheParsedEnvelopeAndContract', () => {
    const r = sut.validate(envelope());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.contract).toBe(OrganizationRegistered);
      expect(r.envelope.data).toMatchObject({ code: '130102', level: 'township' });
    }
  });

  it('validate_WhenTypeIsNotRegistered_ReportsUnknownType', () => {
    expect(sut.validate(envelope({ type: 'organization.OrganizationInvented' }))).toMatchObject({ ok: false, reason: 'unknown-type' });
  });

  it('validate_WhenVersionIsNotRegistered_ReportsUnknownType', () => {
    expect(sut.validate(envelope({ version: 2 }))).toMatchObject({ ok: false, reason: 'unknown-type' });
  });

  it('validate_WhenDataBreaksTheSchema_ReportsTheFailingField', () => {
    const bad = envelope();
    const r = sut.validate({ ...bad, data: { ...bad.data, level: 'district' } });
    expect(r).toMatchObject({ ok: false, reason: 'schema-violation' });
    expect(!r.ok && r.message).toContain('data: level');
  });

  it('validate_WhenStreamIdIsNotOfTheContractsCategory_ReportsSchemaViolation', () => {
    expect(sut.validate(envelope({ streamId: `member-${orgId}` }))).toMatchObject({ ok: false, reason: 'schema-violation' });
  });

  it('validate_WhenEnvelopeFieldsAreMissing_ReportsMalformedEnvelope', () => {
    const { eventId: _, ...noId } = envelope();
    expect(sut.validate(noId)).toMatchObject({ ok: false, reason: 'malformed-envelope' });
    expect(sut.validate('not an object')).toMatchObject({ ok: false, reason: 'malformed-envelope' });
  });

  it('assertValid_WhenInvalid_ThrowsACodedError', () => {
    expect(() => sut.assertValid(envelope({ type: 'organization.Nope' }))).toThrow(ContractViolationError);
  });

  it('constructor_WhenATypeAndVersionIsRegisteredTwice_Throws', () => {
    expect(() => new ContractRegistry([MemberJoined, MemberJoined])).toThrow(/registered twice/);
  });

  it('all_ListsContractsInCodeUnitOrderOfTypeThenVersion', () => {
    const v2 = defineContract({
      context: 'organization',
      name: 'MemberJoined',
      version: 2,
      stream: 'member',
      description: 'x',
      schema: z.object({}),
    });
    const registry = new ContractRegistry([v2, OrganizationRegistered, MemberJoined]);
    expect(registry.all().map((c) => `${c.type}@${c.version}`)).toEqual([
      'organization.MemberJoined@1',
      'organization.MemberJoined@2',
      'organization.OrganizationRegistered@1',
    ]);
  });

  it('defineContract_PutsTheEventOnItsContextsTopicKeyedByStreamId', () => {
    expect(OrganizationRegistered).toMatchObject({
      type: 'organization.OrganizationRegistered',
      topic: 'vanguard.organization.events.v1',
      key: { field: 'streamId' },
    });
  });
});
