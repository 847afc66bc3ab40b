import type { KafkaMessage } from 'kafkajs';
import { countyMessageOwner, publicContracts } from '@vanguard/contracts';
import { EXPIRED_ANSWERED_MS, checkMessage } from './check';
import { bearerToken, claimedClient, countySenderOf, senderMismatch } from './sender';
import { createHash } from 'node:crypto';
import { seededRandom } from '@vanguard/testing';
import { orgIdsIn, payloadSha256 } from './payload';
import { clip, replyEnvelope } from './reply';
import type { DeadLetter } from '../county-batch';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const sender = { clientId: 'county-songling', sub: 'svc-sub', countyOrgId: COUNTY };
const principal = {
  sub: 'svc-sub',
  username: 'service-account-county-songling',
  roles: ['county_system'],
  orgId: COUNTY,
  kind: 'service' as const,
  clientId: 'county-songling',
};
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
    const expiring = Buffer.from(JSON.stringify({ azp: 'county-hekou', exp: 1796600000 })).toString('base64url');
    expect(claimedClient(`h.${expiring}.s`)).toEqual({ clientId: 'county-hekou', expiresAt: new Date(1796600000_000) });
    expect(claimedClient('not-a-jwt')).toEqual({});
    expect(claimedClient(undefined)).toEqual({});
  });

  it('countySenderOf_RequiresTheRoleAServiceAccountAKnownClientAndAnOrg', () => {
    expect(countySenderOf(principal, known)).toEqual(sender);
    expect(countySenderOf({ ...principal, roles: [] }, known)).toHaveProperty('refusal');
    expect(countySenderOf({ ...principal, kind: 'user' }, known)).toHaveProperty('refusal');
    expect(countySenderOf({ ...principal, clientId: 'vanguard-console' }, known)).toHaveProperty('refusal');
    expect(countySenderOf({ ...principal, orgId: undefined }, known)).toHaveProperty('refusal');
    // A person signed in through the county's client, or another client's service account using its name.
    expect(countySenderOf({ ...principal, username: 'county.organizer', kind: 'user' }, known)).toEqual({
      refusal: "令牌不是 county-songling 自身的服务账号 / the token is not county-songling's own service account (client credentials)",
    });
    expect(countySenderOf({ ...principal, username: 'service-account-county-hekou' }, known)).toHaveProperty('refusal');
    // Keycloak lower-cases the service account's username, not the client id.
    const mixed = { ...principal, clientId: 'County-Songling', username: 'service-account-county-songling' };
    expect(countySenderOf(mixed, new Set(['County-Songling']))).toEqual({ ...sender, clientId: 'County-Songling' });
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

  it('payloadSha256_IsTheDigestOfTheSortedCompactJson_AsAnotherImplementationWritesIt', () => {
    // Python: json.dumps(p, sort_keys=True, separators=(',', ':'), ensure_ascii=False), sha256 of its UTF-8.
    const data = { b: 1, a: [1, { d: 2, c: 3 }], 名: '张三 "引号"' };
    expect(payloadSha256({ ...raw, data })).toBe('a28bdbbdadb9eb678a14887e9573b81450d4f7bb722f69858a62ec36b2922505');
  });

  it('payloadSha256_GivesEveryParsedPayloadTheDigestTheGatesOwnCanonicalJsonGave', () => {
    // Digests stored before the gate used the signatures' canonical JSON must still tell a resend.
    const random = seededRandom(0x9a7e);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.35) return pick([0, -1.5, 1e21, 2 ** 53, 'a', '', '名', '\u2028', '"\\', '\ud800', true, false, null]);
      if (r < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--)
        o[pick(['b', 'a', 'B', '名', '', 'a1', '10', '9', '__proto__'])] = value(depth + 1);
      return o;
    };
    for (let n = 0; n < 2000; n++) {
      const sent = JSON.parse(JSON.stringify({ ...raw, data: value(0) })) as Record<string, unknown>;
      const { type, version, streamId, streamVersion, orgId, data } = sent;
      const before = createHash('sha256')
        .update(gatesFormerCanonicalJson({ type, version, streamId, streamVersion, orgId, data }))
        .digest('hex');
      expect(payloadSha256(sent)).toBe(before);
    }
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

describe('county gate: text the ledger cannot store', () => {
  const type = 'county.DeedRecorded';
  const gate = { owner: countyMessageOwner(type), known, tokenVerifier: { verifyAt: () => Promise.resolve(principal) } };
  const envelope = {
    eventId: '7d0c7a46-8f2b-4c55-9a51-0c9f5a3f1e01',
    type,
    version: 1,
    streamId: 'deed-1',
    streamVersion: 1,
    orgId: COUNTY,
    actor: { sub: 'svc-sub', orgId: COUNTY, roles: [] },
    data: { summary: '修路' },
  };
  const message = (value: unknown, key = 'deed-1'): KafkaMessage => ({
    key: Buffer.from(key),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: { authorization: 'Bearer t' },
    offset: '7',
    timestamp: String(Date.parse('2026-12-02T00:00:00Z')),
    attributes: 0,
  });
  // Written as text: JSON.stringify itself recurses once per level.
  const nested = (depth: number) =>
    JSON.stringify({ ...envelope, data: 'DATA' }).replace('"DATA"', `${'{"v":'.repeat(depth)}"x"${'}'.repeat(depth)}`);

  it('checkMessage_RefusesNulHalfPairsAndDeepNesting_WithAStorableReply_BeforeAnyDatabaseWork', async () => {
    const cases: [string, KafkaMessage][] = [
      ['NUL in the event id', message({ ...envelope, eventId: 'bad\u0000id' })],
      ['half a pair in the event id', message({ ...envelope, eventId: '\ud800bad' })],
      ['NUL in a field', message({ ...envelope, data: { summary: 'a\u0000b' } })],
      ['half a pair in a field name', message({ ...envelope, data: { ['\udc00']: 'x' } })],
      ['a direction override in a field', message({ ...envelope, data: { summary: '张三\u202e四李' } })],
      ['an isolate in the event id', message({ ...envelope, eventId: 'id\u2067x' })],
      ['nested 20,000 deep', message(nested(20_000))],
      // A key is bytes: invalid UTF-8 decodes to U+FFFD, but a NUL stays one.
      ['NUL in the key', message(envelope, 'deed-\u0000')],
    ];
    for (const [what, m] of cases) {
      const letters: DeadLetter[] = [];
      const checked = await checkMessage(m, 0, letters, gate);
      expect([what, checked?.kind, checked?.kind === 'reply' && checked.outcome]).toEqual([
        what,
        'reply',
        expect.objectContaining({ outcome: 'refused', code: 'COUNTY.INVALID' }),
      ]);
      expect([what, letters.map((l) => l.reason)]).toEqual([what, [expect.stringMatching(/^malformed-/)]]);
      const reply = replyEnvelope(
        gate.owner,
        checked!.to,
        checked!.kind === 'reply' ? checked!.outcome : { outcome: 'applied' },
        new Date(),
      );
      expect([what, publicContracts.validate(reply).ok]).toEqual([what, true]);
      // What the reply holds must be text Postgres stores: JSON.stringify writes NUL and half pairs as escapes.
      expect([what, /\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(JSON.stringify(reply))]).toEqual([what, false]);
      expect([what, /[\u202a-\u202e\u2066-\u2069]/.test(JSON.stringify(reply))]).toEqual([what, false]);
    }
  });

  it('checkMessage_AnExpiredTokenWhoseSignatureHeld_IsAnsweredOnlyWithinAnHourOfExpiry_AndOnlyUnderAnUndecidedId', async () => {
    const at = Date.parse('2026-12-02T00:00:00Z');
    const expiredGate = {
      ...gate,
      tokenVerifier: { verifyAt: () => Promise.reject(Object.assign(new Error('expired'), { code: 'AUTH.TOKEN_EXPIRED' })) },
    };
    const withToken = (expiredMsAgo: number): KafkaMessage => {
      const claims = { azp: 'county-songling', org_id: COUNTY, exp: (at - expiredMsAgo) / 1000 };
      return {
        ...message(envelope),
        headers: { authorization: `Bearer h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s` },
      } as KafkaMessage;
    };
    const answered: DeadLetter[] = [];
    const recent = await checkMessage(withToken(EXPIRED_ANSWERED_MS), 0, answered, expiredGate);
    expect(recent).toMatchObject({ kind: 'reply', outcome: { code: 'COUNTY.UNAUTHENTICATED' }, to: { clientId: 'county-songling' } });
    // The ledger decides whether it is answered: the consumer reads the id first.
    expect(recent).toMatchObject({ unlessDecided: expect.anything() });
    expect(answered.map((l) => [l.reason, l.unanswered])).toEqual([['unauthenticated', undefined]]);

    const unanswered: DeadLetter[] = [];
    expect(await checkMessage(withToken(EXPIRED_ANSWERED_MS + 1_000), 0, unanswered, expiredGate)).toBeUndefined();
    expect(unanswered.map((l) => [l.reason, l.unanswered])).toEqual([['unauthenticated', type]]);
  });

  it('checkMessage_LetsAWellFormedMessageThrough', async () => {
    const checked = await checkMessage(message(envelope), 0, [], gate);
    expect(checked).toMatchObject({ kind: 'candidate', to: { messageId: envelope.eventId, subject: 'deed-1' } });
  });

  it('checkMessage_LowerCasesEveryIdOfTheEnvelopeAndTheKey_SoBothSpellingsAreOneMessage', async () => {
    const id = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
    const shouted = {
      ...envelope,
      eventId: id,
      streamId: `deed-${id}`,
      data: { deedId: id, helperOrgIds: [id], summary: `修路 ${id}`, word: `x${id}` },
    };
    const lower = id.toLowerCase();
    // A UUID glued to a word is no id (ADR 0091's rule), and is kept as written.
    const asLower = {
      ...shouted,
      eventId: lower,
      streamId: `deed-${lower}`,
      data: { deedId: lower, helperOrgIds: [lower], summary: `修路 ${lower}`, word: `x${id}` },
    };
    const a = await checkMessage(message(shouted, `deed-${id}`), 0, [], gate);
    const b = await checkMessage(message(asLower, `deed-${lower}`), 0, [], gate);
    expect(a).toMatchObject({ kind: 'candidate', to: { messageId: lower, subject: `deed-${lower}` }, raw: asLower });
    expect(a?.kind === 'candidate' && b?.kind === 'candidate' && a.hash === b.hash).toBe(true);
  });

  it('clip_NeverCutsACharacterInHalf_AndLeavesNothingUnstorable', () => {
    const subject = `${'a'.repeat(298)}😀tail`;
    const clipped = clip(subject, 300);
    expect(clipped.length).toBeLessThanOrEqual(300);
    expect(clipped).toBe(`${'a'.repeat(298)}…`);
    expect(clip(`${'a'.repeat(297)}😀tail`, 300)).toBe(`${'a'.repeat(297)}😀…`);
    expect(clip('a\u0000b\ud800', 300)).toBe('a\ufffdb\ufffd');
    expect(clip('short', 300)).toBe('short');
  });
});

describe('county gate: what is a county message', () => {
  const verifier = { verifyAt: () => Promise.resolve(principal) };
  const member = '5e0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b';
  const at = '2026-12-02T00:00:00.000Z';
  const sent = (type: string, streamId: string, data: Record<string, unknown>): KafkaMessage => ({
    key: Buffer.from(streamId),
    value: Buffer.from(
      JSON.stringify({
        eventId: '7d0c7a46-8f2b-4c55-9a51-0c9f5a3f1e02',
        type,
        version: 1,
        streamId,
        streamVersion: 1,
        occurredAt: at,
        recordedAt: at,
        actor: { sub: 'svc-sub', roles: ['county_system'], orgId: COUNTY, kind: 'service' },
        orgId: COUNTY,
        correlationId: 'c1',
        causationId: null,
        data,
      }),
    ),
    headers: { authorization: 'Bearer t' },
    offset: '8',
    timestamp: String(Date.parse(at)),
    attributes: 0,
  });

  it('checkMessage_APlatformEventOrTheReplyOnTheInboundTopic_IsInvalid_DeadLetteredAsAnUnknownCountyType_NeverRecorded', async () => {
    // Each valid by its own contract (so an owner's admission took it for one of its types): only the topic is wrong.
    const cases = [
      sent('organization.MemberJoined', `member-${member}`, {
        memberId: member,
        orgId: COUNTY,
        name: '张三',
        status: 'full',
        joinedOn: '2001-07-01',
        roles: [],
      }),
      sent('county.MessageOutcome', 'county-message-e1', {
        messageId: 'e1',
        messageType: 'county.RosterMemberSynced',
        subject: `roster-member-${member}`,
        service: 'organization',
        outcome: 'applied',
      }),
      sent('county.NoSuchThing', `roster-member-${member}`, { memberId: member }),
    ];
    for (const m of cases) {
      const t = (JSON.parse(String(m.value)) as { type: string }).type;
      if (t !== 'county.NoSuchThing') expect([t, publicContracts.validate(JSON.parse(String(m.value))).ok]).toEqual([t, true]);
      const letters: DeadLetter[] = [];
      const sut = { owner: countyMessageOwner(t), known, tokenVerifier: verifier };

      const checked = await checkMessage(m, 0, letters, sut);

      // Answered as it is (`reply`), never a candidate for the owner's ledger and handlers.
      expect([t, sut.owner, checked?.kind, checked?.kind === 'reply' && checked.outcome]).toEqual([
        t,
        'organization',
        'reply',
        { outcome: 'refused', code: 'COUNTY.INVALID', reason: `${t} 不是县级入站消息类型 / ${t} is not a county inbound message type` },
      ]);
      expect([t, checked?.to]).toEqual([t, expect.objectContaining({ clientId: 'county-songling', messageType: t })]);
      expect([t, letters.map((l) => [l.reason, l.error])]).toEqual([
        t,
        [['unknown-type', `${t} 不是县级入站消息类型 / ${t} is not a county inbound message type`]],
      ]);
    }
  });

  it('checkMessage_ACountyInboundTypeOfTheOwner_IsACandidate_SoOneWithoutAHandlerIsStillUnsupported', async () => {
    const m = sent('county.RosterMemberRemoved', `roster-member-${member}`, { memberId: member, orgId: COUNTY, removedOn: '2011-09-30' });

    const checked = await checkMessage(m, 0, [], { owner: 'organization', known, tokenVerifier: verifier });

    expect(checked).toMatchObject({ kind: 'candidate', to: { messageType: 'county.RosterMemberRemoved' } });
  });
});

/** The gate's own canonical JSON before it used the signatures' one, kept as the reference. */
function gatesFormerCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + gatesFormerCanonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${gatesFormerCanonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}
