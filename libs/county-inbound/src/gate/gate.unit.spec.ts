import { publicContracts } from '@vanguard/contracts';
import { bearerToken, claimedClient, countySenderOf, senderMismatch } from './sender';
import { canonicalJson, orgIdsIn, payloadSha256 } from './payload';
import { replyEnvelope } from './reply';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const sender = { clientId: 'county-songling', sub: 'svc-sub', countyOrgId: COUNTY };
const principal = { sub: 'svc-sub', roles: ['county_system'], orgId: COUNTY, kind: 'service' as const, clientId: 'county-songling' };
const known = new Set(['county-songling', 'county-hekou']);

describe('county gate: sender', () => {
  it('bearerToken_ReadsTheAuthorizationHeader_AndNothingElse', () => {
    expect(bearerToken({ authorization: Buffer.from('Bearer abc.def.ghi') })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(bearerToken({})).toBeUndefined();
  });

  it('claimedClient_ReadsAzpAndOrgIdUnverified_AndSurvivesGarbage', () => {
    const payload = Buffer.from(JSON.stringify({ azp: 'county-hekou', org_id: 'o1' })).toString('base64url');
    expect(claimedClient(`h.${payload}.s`)).toEqual({ clientId: 'county-hekou', orgId: 'o1' });
    expect(claimedClient('not-a-jwt')).toEqual({});
    expect(claimedClient(undefined)).toEqual({});
  });

  it('countySenderOf_RequiresTheRoleAServiceAccountAKnownClientAndAnOrg', () => {
    expect(countySenderOf(principal, known)).toEqual(sender);
    expect(countySenderOf({ ...principal, roles: [] }, known)).toHaveProperty('refusal');
    expect(countySenderOf({ ...principal, kind: 'user' }, known)).toHaveProperty('refusal');
    expect(countySenderOf({ ...principal, clientId: 'vanguard-console' }, known)).toHaveProperty('refusal');
    expect(countySenderOf({ ...principal, orgId: undefined }, known)).toHaveProperty('refusal');
  });

  it('senderMismatch_NamesTheEnvelopeFieldThatIsNotTheTokens', () => {
    const raw = { actor: { sub: 'svc-sub', orgId: COUNTY, roles: [] }, orgId: COUNTY };
    expect(senderMismatch(raw, sender)).toBeUndefined();
    expect(senderMismatch({ ...raw, actor: { ...raw.actor, sub: 'other' } }, sender)).toMatch(/actor.sub/);
    expect(senderMismatch({ ...raw, actor: { ...raw.actor, orgId: 'x' } }, sender)).toMatch(/actor.orgId/);
    expect(senderMismatch({ ...raw, orgId: 'x' }, sender)).toMatch(/^orgId/);
    expect(senderMismatch({ orgId: COUNTY }, sender)).toMatch(/actor.sub/);
  });
});

describe('county gate: payload', () => {
  const raw = {
    eventId: 'e1',
    type: 'county.DeedRecorded',
    version: 1,
    streamId: 'deed-1',
    streamVersion: 2,
    orgId: COUNTY,
    data: { b: 1, a: [1, { d: 2, c: 3 }] },
  };

  it('canonicalJson_SortsKeysAtEveryDepth', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: [2, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[2,{"e":2,"f":1}],"d":1},"b":1}');
  });

  it('payloadSha256_IgnoresWhenAndHowItWasSent_ButNotWhatItAsks', () => {
    const h = payloadSha256(raw);
    expect(payloadSha256({ ...raw, occurredAt: '2030-01-01T00:00:00Z', eventId: 'other', data: { a: [1, { c: 3, d: 2 }], b: 1 } })).toBe(h);
    expect(payloadSha256({ ...raw, streamVersion: 3 })).not.toBe(h);
    expect(payloadSha256({ ...raw, data: { ...raw.data, b: 2 } })).not.toBe(h);
  });

  it('orgIdsIn_NamesOrgIdAndEveryOtherOrgIdField', () => {
    expect(orgIdsIn({ orgId: 'a', helperOrgId: 'b', memberId: 'm', parentOrgId: null })).toEqual(['a', 'b']);
    expect(orgIdsIn(null)).toEqual([]);
  });
});

describe('county gate: reply', () => {
  const to = { clientId: 'county-songling', countyOrgId: COUNTY, messageId: 'e1', messageType: 'county.DeedRecorded', subject: 'deed-1' };

  it('replyEnvelope_ValidatesAgainstTheReplyContract_ForEachOutcome', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    for (const outcome of [
      { outcome: 'applied' as const, result: { memberId: 'x' } },
      { outcome: 'refused' as const, code: 'COUNTY.STALE', reason: 'older' },
      { outcome: 'duplicate' as const, originalOutcome: 'refused' as const, code: 'COUNTY.OUT_OF_SCOPE', reason: 'not yours' },
      { outcome: 'duplicate' as const, originalOutcome: 'applied' as const, code: null, reason: null },
    ]) {
      const e = replyEnvelope('assistance', to, outcome, now);
      expect(publicContracts.validate(e)).toMatchObject({ ok: true });
      expect(e).toMatchObject({
        streamId: 'county-message-e1',
        orgId: COUNTY,
        data: { messageId: 'e1', service: 'assistance', outcome: outcome.outcome },
      });
    }
  });
});
