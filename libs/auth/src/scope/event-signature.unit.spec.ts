import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import {
  EventSigner,
  EventVerifier,
  developmentEventKey,
  developmentEventKeyId,
  eventKeyVariables,
  rawPublicKey,
  signWithDevelopmentKey,
} from './event-signature';
import { OrgEventSigner } from './org-event-signature';

const event = (type = 'commendation.CommendationDecided'): EventEnvelope => ({
  eventId: randomUUID(),
  type,
  version: 1,
  streamId: 'nomination-n',
  streamVersion: 3,
  occurredAt: '2026-06-28T00:00:00.000Z',
  recordedAt: '2026-06-28T00:00:00.000Z',
  actor: { sub: 's', roles: ['organizer'] },
  orgId: 'a',
  correlationId: 'c',
  causationId: null,
  data: { nominationId: 'n', nominee: { name: '王红梅' } },
});

const seedOf = (privateKey: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
  privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');

describe(EventVerifier.name, () => {
  const sut = EventVerifier.forContexts(['organization', 'evaluation', 'commendation'], {});

  it('verify_WhenSignedByItsOwnContextsDevelopmentKey_Accepts', () => {
    expect(sut.verify(EventSigner.forContext('commendation', {}).sign(event()))).toEqual({ ok: true, kid: 'commendation-dev-1' });
    expect(sut.verify(signWithDevelopmentKey(event('evaluation.ReviewApproved')))).toEqual({ ok: true, kid: 'evaluation-dev-1' });
  });

  it('verify_WhenAnotherContextsKeySignedIt_RefusesUnderEitherKid', () => {
    const evaluation = EventSigner.forContext('evaluation', {});
    // Under evaluation's own kid: the verifier looks only among commendation's keys for a commendation event.
    expect(sut.verify(evaluation.sign(event()))).toEqual({ ok: false, reason: 'other-context' });
    // Claiming commendation's kid does not help: the key does not match.
    const claimed = new EventSigner('commendation', developmentEventKey('evaluation'), developmentEventKeyId('commendation'));
    expect(sut.verify(claimed.sign(event()))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('verify_WhenTheEventsContextHasNoKeysHere_Refuses', () => {
    expect(sut.verify(signWithDevelopmentKey(event('assistance.DeedRecorded')))).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('verify_WhenUnsignedOrTampered_Refuses', () => {
    expect(sut.verify(event())).toEqual({ ok: false, reason: 'unsigned' });
    const signed = signWithDevelopmentKey(event());
    expect(sut.verify({ ...signed, data: { nominationId: 'n', nominee: { name: '伪造' } } })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('developmentKeys_AreOnePerContext_AndOrganisationsIsTheOneItAlwaysHad', () => {
    const publics = ['organization', 'evaluation', 'commendation', 'assistance', 'publicity'].map((c) =>
      rawPublicKey(developmentEventKey(c)),
    );
    expect(new Set(publics).size).toBe(5);
    const legacySeed = Buffer.from('vanguard development org events'.padEnd(32, '.'), 'utf8').toString('base64');
    const legacy = OrgEventSigner.fromEnv({ ORGANIZATION_EVENT_SIGNING_KEY: legacySeed });
    expect(rawPublicKey(legacy.publicKey)).toBe(publics[0]);
    expect(OrgEventSigner.fromEnv({}).kid).toBe('organization-dev-1');
  });

  it('forContexts_WhenGivenOperatorKeys_AcceptsThoseOnlyForTheirContext', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const names = eventKeyVariables('commendation');
    expect(names).toEqual({
      signingKey: 'COMMENDATION_EVENT_SIGNING_KEY',
      signingKeyId: 'COMMENDATION_EVENT_SIGNING_KEY_ID',
      verifyKeys: 'COMMENDATION_EVENT_VERIFY_KEYS',
    });
    const signer = EventSigner.forContext('commendation', { [names.signingKey]: seedOf(privateKey) });
    expect(signer.kid).toBe('commendation-1');
    expect(signer.isDevelopmentKey).toBe(false);
    const verifier = EventVerifier.forContexts(['commendation', 'evaluation'], {
      [names.verifyKeys]: `commendation-1=${rawPublicKey(publicKey)}`,
    });
    expect(verifier.verify(signer.sign(event()))).toEqual({ ok: true, kid: 'commendation-1' });
    expect(verifier.verify(signWithDevelopmentKey(event()))).toEqual({ ok: false, reason: 'unknown-key' });
    expect(verifier.verify(new EventSigner('evaluation', privateKey, 'commendation-1').sign(event('evaluation.ReviewApproved')))).toEqual({
      ok: false,
      reason: 'other-context',
    });
    expect(verifier.usesDevelopmentKeyOf('commendation')).toBe(false);
    expect(verifier.usesDevelopmentKeyOf('evaluation')).toBe(true);
  });
});
