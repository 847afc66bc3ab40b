import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import { DEVELOPMENT_ORG_EVENT_KEY_ID, OrgEventSigner, OrgEventVerifier, rawPublicKey } from './org-event-signature';

const event = (): EventEnvelope => ({
  eventId: randomUUID(),
  type: 'organization.OrganizationMoved',
  version: 1,
  streamId: 'organization-a',
  streamVersion: 2,
  occurredAt: '2024-01-01T00:00:00.000Z',
  recordedAt: '2024-01-01T00:00:00.000Z',
  actor: { sub: 's', roles: ['organizer'] },
  orgId: 'a',
  correlationId: 'c',
  causationId: null,
  data: { organizationId: 'a', parentId: 'p', code: '9101', previousCode: '9201' },
});

describe(OrgEventVerifier.name, () => {
  const signer = OrgEventSigner.fromEnv({});
  const sut = OrgEventVerifier.fromEnv({});

  it('verify_WhenSignedByTheServicesKey_Accepts', () => {
    expect(sut.verify(signer.sign(event()))).toEqual({ ok: true, kid: DEVELOPMENT_ORG_EVENT_KEY_ID });
  });

  it('verify_WhenUnsigned_RefusesAsUnsigned', () => {
    expect(sut.verify(event())).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('verify_WhenAnyActedOnFieldChangedAfterSigning_RefusesAsBadSignature', () => {
    const signed = signer.sign(event());
    const moved = { ...signed, data: { ...(signed.data as object), parentId: 'elsewhere' } };
    expect(sut.verify(moved)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(sut.verify({ ...signed, streamVersion: 99 })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('verify_WhenSignedByAnotherKeyUnderTheSameKid_RefusesAsBadSignature', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(sut.verify(new OrgEventSigner(privateKey, DEVELOPMENT_ORG_EVENT_KEY_ID).sign(event()))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('fromEnv_WhenGivenOperatorKeys_AcceptsThoseAndNotTheDevelopmentKey', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16).toString('base64');
    const operator = OrgEventSigner.fromEnv({ ORGANIZATION_EVENT_SIGNING_KEY: seed, ORGANIZATION_EVENT_SIGNING_KEY_ID: 'k2' });
    const verifier = OrgEventVerifier.fromEnv({ ORGANIZATION_EVENT_VERIFY_KEYS: `k2=${rawPublicKey(publicKey)}` });
    expect(operator.isDevelopmentKey).toBe(false);
    expect(verifier.usesDevelopmentKey).toBe(false);
    expect(verifier.verify(operator.sign(event()))).toEqual({ ok: true, kid: 'k2' });
    expect(verifier.verify(signer.sign(event()))).toEqual({ ok: false, reason: 'unknown-key' });
    expect(sut.usesDevelopmentKey).toBe(true);
  });
});
