import { randomUUID } from 'node:crypto';
import { EventSigner, developmentEventKey, developmentEventKeyId, rawPublicKey, signWithDevelopmentKey } from '@vanguard/auth';
import { ORGANIZATION_STATE_TOPIC, countyDecisionTopic, type EventEnvelope } from '@vanguard/contracts';
import { CountyOrganizations, DecisionNotHandled, FollowedRecords, type FollowedDecision } from './county-follow';
import { knownOrganizations } from './county-organizations';
import { decisionVerifier, describeDecision, type ForgedDecision } from './county-decision-check';

// A county takes a decision only when the context that decides signed it (ADR 0059, ADR 0062):
// whoever can write to its decision topic (the feed that copies them, a mis-set ACL) cannot make
// it show a decision nobody took.

const COUNTY = randomUUID();
const VILLAGE = randomUUID();
const topic = countyDecisionTopic('county-songling');

function decision(type: string, orgId: string = VILLAGE): EventEnvelope {
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    streamId: `nomination-${randomUUID()}`,
    streamVersion: 3,
    occurredAt: '2026-11-30T08:00:00.000Z',
    recordedAt: '2026-11-30T08:00:00.000Z',
    actor: { sub: 'secretary', roles: ['county_organizer'] },
    orgId,
    correlationId: randomUUID(),
    causationId: null,
    data: { decision: { decidedBy: { role: 'county_organizer' }, reason: '事迹突出' } },
  };
}

const bytes = (e: EventEnvelope) => Buffer.from(JSON.stringify(e));
const state = (orgId: string, path: string[], type = 'organization.OrganizationState', version = 3): EventEnvelope => ({
  ...decision(type, orgId),
  streamId: `organization-${orgId}`,
  streamVersion: version,
  data: { orgId, path },
});
/** A state record as organization's publisher sends it: signed with organisation's (development) key. */
const stateOf = (orgId: string, path: string[], version = 3) =>
  bytes(signWithDevelopmentKey(state(orgId, path, 'organization.OrganizationState', version)));

function follower(onDecision?: (d: FollowedDecision) => void) {
  const shown: FollowedDecision[] = [];
  const forged: ForgedDecision[] = [];
  const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
    onDecision: (d) => (onDecision?.(d), void shown.push(d)),
    onForged: (f) => void forged.push(f),
    decisionRetryMs: 0,
  });
  return { records, shown, forged };
}

describe(FollowedRecords.name, () => {
  it('shows a decision its own context signed, about an organisation of the county', async () => {
    const { records, shown, forged } = follower();
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));
    const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided'));

    await records.handle(topic, bytes(genuine));

    expect(shown.map((d) => d.eventId)).toEqual([genuine.eventId]);
    expect(forged).toEqual([]);
  });

  it('refuses and reports an unsigned decision, one whose data was changed after signing, and one signed with another context’s key', async () => {
    const { records, shown, forged } = follower();
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));
    const unsigned = decision('commendation.CommendationDecided');
    const signed = signWithDevelopmentKey(decision('evaluation.TierChanged'));
    const altered = { ...signed, data: { decision: { decidedBy: { role: 'county_organizer' }, reason: '改过的理由' } } };
    const evaluationSigner = new EventSigner('evaluation', developmentEventKey('evaluation'), developmentEventKeyId('evaluation'));
    const otherContext = evaluationSigner.sign(decision('commendation.CommendationDecided'));

    for (const e of [unsigned, altered, otherContext]) await records.handle(topic, bytes(e));

    expect(shown).toEqual([]);
    expect(forged).toEqual([
      { eventId: unsigned.eventId, type: 'commendation.CommendationDecided', orgId: VILLAGE, reason: 'unsigned' },
      { eventId: altered.eventId, type: 'evaluation.TierChanged', orgId: VILLAGE, reason: 'bad-signature' },
      { eventId: otherContext.eventId, type: 'commendation.CommendationDecided', orgId: VILLAGE, reason: 'other-context' },
    ]);
  });

  it('never holds a forged decision about an organisation not known yet, so the state that arrives later releases only genuine ones', async () => {
    const { records, shown, forged } = follower();
    const later = randomUUID();
    const genuine = signWithDevelopmentKey(decision('evaluation.TierChanged', later));
    const unsigned = decision('evaluation.TierChanged', later);

    await records.handle(topic, bytes(unsigned));
    await records.handle(topic, bytes(genuine));
    expect(shown).toEqual([]);
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(later, [COUNTY, later]));

    expect(shown.map((d) => d.eventId)).toEqual([genuine.eventId]);
    expect(forged.map((f) => f.eventId)).toEqual([unsigned.eventId]);
  });

  it('shows a member transferred into the county by his platform id when organisation signed it, and refuses an unsigned one', async () => {
    const { records, shown, forged } = follower();
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));
    const memberId = randomUUID();
    const transfer = (): EventEnvelope => ({
      ...decision('organization.MemberTransferred'),
      data: { transferId: randomUUID(), memberId, fromOrgId: randomUUID(), toOrgId: VILLAGE, transferredOn: '2026-11-30' },
    });
    const genuine = signWithDevelopmentKey(transfer());
    const unsigned = transfer();

    await records.handle(topic, bytes(genuine));
    await records.handle(topic, bytes(unsigned));

    expect(shown).toEqual([expect.objectContaining({ eventId: genuine.eventId, label: '党员转入', memberId })]);
    expect(forged).toEqual([expect.objectContaining({ eventId: unsigned.eventId, reason: 'unsigned' })]);
  });

  it('shows a member made full (转正) with the day his probation ended, as organisation signed it', async () => {
    const { records, shown, forged } = follower();
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));
    const memberId = randomUUID();
    const madeFull = signWithDevelopmentKey({
      ...decision('organization.MemberBecameFull'),
      data: { memberId, orgId: VILLAGE, fullOn: '2026-07-01' },
    });

    await records.handle(topic, bytes(madeFull));

    expect(shown).toEqual([expect.objectContaining({ eventId: madeFull.eventId, label: '预备党员转正', memberId, fullOn: '2026-07-01' })]);
    expect(describeDecision(shown[0]!)).toContain(`平台成员 ${memberId}，转正日期 2026-07-01（花名册中其状态应为 full）`);
    expect(forged).toEqual([]);
  });

  it('takes the verify keys the county was given: a key of its own for a context makes the development-signed decision forged', async () => {
    const own = new EventSigner('commendation', developmentEventKey('own-commendation-key'), 'commendation-1');
    const env = { COMMENDATION_EVENT_VERIFY_KEYS: `commendation-1=${rawPublicKey(own.publicKey)}` };
    const shown: FollowedDecision[] = [];
    const forged: ForgedDecision[] = [];
    const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier(env, { allowDevelopmentKey: true }), {
      onDecision: (d) => void shown.push(d),
      onForged: (f) => void forged.push(f),
    });
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));
    const byDevelopmentKey = signWithDevelopmentKey(decision('commendation.CommendationDecided'));
    const byOwnKey = own.sign(decision('commendation.CommendationDecided'));

    await records.handle(topic, bytes(byDevelopmentKey));
    await records.handle(topic, bytes(byOwnKey));

    expect(shown.map((d) => d.eventId)).toEqual([byOwnKey.eventId]);
    expect(forged).toEqual([expect.objectContaining({ eventId: byDevelopmentKey.eventId, reason: 'unknown-key' })]);
  });
});

describe('FollowedRecords, given records that are not what they claim', () => {
  it('reports an unsigned decision whose reason is not text as forged, without reading its data, and shows the genuine one after it', async () => {
    const { records, shown, forged } = follower();
    const poison = { ...decision('commendation.CommendationDecided', COUNTY), data: { decision: { reason: 42 } } };
    const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY));

    const skipped = await records.handle(topic, bytes(poison));
    await records.handle(topic, bytes(genuine));

    expect(skipped).toContain('未签名');
    expect(forged.map((f) => f.eventId)).toEqual([poison.eventId]);
    expect(shown.map((d) => d.eventId)).toEqual([genuine.eventId]);
  });

  it('reports a signed decision whose fields break its contract instead of throwing', async () => {
    const { records, shown, forged } = follower();
    const signedBadly = signWithDevelopmentKey({
      ...decision('commendation.CommendationDecided', COUNTY),
      data: { decision: { reason: 42 } },
    });

    const skipped = await records.handle(topic, bytes(signedBadly));

    expect(skipped).toMatch(/决定字段不合契约.*decision\.reason/);
    expect(shown).toEqual([]);
    expect(forged).toEqual([]);
  });

  it('reports a signed transfer or 转正 whose member is not what its contract says, instead of passing it over', async () => {
    const { records, shown, forged } = follower();
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));
    const signedBadly = signWithDevelopmentKey({
      ...decision('organization.MemberBecameFull'),
      data: { memberId: 42, fullOn: '2026-07-01' },
    });

    const skipped = await records.handle(topic, bytes(signedBadly));

    expect(skipped).toMatch(/组织事实字段不合契约.*memberId/);
    expect(shown).toEqual([]);
    expect(forged).toEqual([]);
  });

  it('reports what is not an event envelope (not JSON, fields missing or of another type) and reads nothing of it', async () => {
    const { records, shown, forged } = follower();
    const { actor: _actor, ...noActor } = decision('commendation.CommendationDecided', COUNTY);

    const reasons = [
      await records.handle(topic, Buffer.from('{not json')),
      await records.handle(topic, Buffer.from(JSON.stringify(noActor))),
      await records.handle(
        topic,
        Buffer.from(JSON.stringify({ eventId: 'x', type: 42, orgId: COUNTY, data: { decision: { reason: 42 } } })),
      ),
      await records.handle(ORGANIZATION_STATE_TOPIC, Buffer.from('null')),
    ];

    expect(reasons).toEqual([
      '不是 JSON',
      expect.stringContaining('actor'),
      expect.stringContaining('type'),
      expect.stringContaining('信封'),
    ]);
    expect(shown).toEqual([]);
    expect(forged).toEqual([]);
  });

  it('reports a state record with null data and still applies the next one', async () => {
    const { records, shown } = follower();
    const nullState = bytes(signWithDevelopmentKey({ ...decision('organization.OrganizationState'), data: null }));
    const genuine = signWithDevelopmentKey(decision('evaluation.TierChanged'));
    await records.handle(topic, bytes(genuine));

    expect(await records.handle(ORGANIZATION_STATE_TOPIC, nullState)).toContain('orgId');
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));

    expect(shown.map((d) => d.eventId)).toEqual([genuine.eventId]);
  });
});

describe('FollowedRecords, given organisation state records', () => {
  const organizationSigner = new EventSigner('organization', developmentEventKey('organization'), developmentEventKeyId('organization'));

  it('applies state records organisation signed, alone or in a batch as its publisher signs them, and releases what was held', async () => {
    const { records, shown } = follower();
    const [first, second] = [randomUUID(), randomUUID()];
    const held = [
      signWithDevelopmentKey(decision('evaluation.TierChanged', first)),
      signWithDevelopmentKey(decision('evaluation.TierChanged', second)),
    ];
    for (const d of held) await records.handle(topic, bytes(d));
    const batch = organizationSigner.signBatch([state(first, [COUNTY, first]), state(second, [COUNTY, second])]);

    const reasons = [
      await records.handle(ORGANIZATION_STATE_TOPIC, bytes(batch[0]!)),
      await records.handle(ORGANIZATION_STATE_TOPIC, bytes(batch[1]!)),
    ];

    expect(reasons).toEqual([undefined, undefined]);
    expect(shown.map((d) => d.eventId)).toEqual(held.map((d) => d.eventId));
  });

  it('reports an unsigned state record that would make another county’s organisation the county’s, and it releases nothing', async () => {
    const { records, shown, forged } = follower();
    const elsewhere = randomUUID();
    const theirs = signWithDevelopmentKey(decision('commendation.CommendationDecided', elsewhere));
    await records.handle(topic, bytes(theirs));

    const skipped = await records.handle(ORGANIZATION_STATE_TOPIC, bytes(state(elsewhere, [COUNTY, elsewhere])));
    await records.handle(topic, bytes(signWithDevelopmentKey(decision('commendation.CommendationDecided', elsewhere))));

    expect(skipped).toMatch(/拒收伪造的组织状态 organization\.OrganizationState（未签名）.*组织 /);
    expect(shown).toEqual([]);
    expect(forged).toEqual([]);
  });

  it('reports a state record changed after organisation signed it, or signed with another context’s key', async () => {
    const { records, shown } = follower();
    const other = randomUUID();
    const signedElsewhere = signWithDevelopmentKey(state(other, [randomUUID(), other]));
    const moved = { ...signedElsewhere, data: { orgId: other, path: [COUNTY, other] } };
    const evaluationSigner = new EventSigner('evaluation', developmentEventKey('evaluation'), developmentEventKeyId('evaluation'));
    const byEvaluation = evaluationSigner.sign(state(other, [COUNTY, other]));
    await records.handle(topic, bytes(signWithDevelopmentKey(decision('evaluation.TierChanged', other))));

    const reasons = [
      await records.handle(ORGANIZATION_STATE_TOPIC, bytes(moved)),
      await records.handle(ORGANIZATION_STATE_TOPIC, bytes(byEvaluation)),
    ];

    expect(reasons).toEqual([expect.stringContaining('签名无效'), expect.stringContaining('以其他上下文的密钥签名')]);
    expect(shown).toEqual([]);
  });

  it('reports an organisation event of another type copied onto the state topic, though organisation signed it and it has an orgId and a path', async () => {
    const { records, shown } = follower();
    const other = randomUUID();
    await records.handle(topic, bytes(signWithDevelopmentKey(decision('evaluation.TierChanged', other))));

    const skipped = await records.handle(
      ORGANIZATION_STATE_TOPIC,
      bytes(signWithDevelopmentKey(state(other, [COUNTY, other], 'organization.OrganizationMoved'))),
    );

    expect(skipped).toContain('organization.OrganizationMoved');
    expect(shown).toEqual([]);
  });

  it('takes nothing from a tombstone: the organisation stays where its last signed state put it', async () => {
    const { records, shown } = follower();
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [COUNTY, VILLAGE]));

    expect(await records.handle(ORGANIZATION_STATE_TOPIC, null)).toBeUndefined();
    const after = signWithDevelopmentKey(decision('evaluation.TierChanged'));
    await records.handle(topic, bytes(after));

    expect(shown.map((d) => d.eventId)).toEqual([after.eventId]);
  });
});

describe('FollowedRecords, given an onDecision that throws', () => {
  it('calls it again and shows the decision once it succeeds', async () => {
    let calls = 0;
    const { records, shown } = follower(() => {
      if (++calls < 3) throw new Error('county database busy');
    });
    const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY));

    expect(await records.handle(topic, bytes(genuine))).toBeUndefined();

    expect(calls).toBe(3);
    expect(shown.map((d) => d.eventId)).toEqual([genuine.eventId]);
  });

  it('refuses a genuine but older state copied onto the topic again, so a moved organisation does not come back', async () => {
    const { records, shown } = follower();
    const elsewhere = randomUUID();
    const wasOurs = stateOf(VILLAGE, [COUNTY, VILLAGE], 4);
    await records.handle(ORGANIZATION_STATE_TOPIC, wasOurs);
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(VILLAGE, [elsewhere, VILLAGE], 5));

    expect(await records.handle(ORGANIZATION_STATE_TOPIC, wasOurs)).toMatch(new RegExp(`${VILLAGE} 的状态版本 4 早于已采用的版本 5`));
    await records.handle(topic, bytes(signWithDevelopmentKey(decision('commendation.CommendationDecided'))));

    expect(shown).toEqual([]);
  });

  it('takes the same state version again, as the publisher sends it after a crash', async () => {
    const { records, shown } = follower();
    const later = randomUUID();
    const held = signWithDevelopmentKey(decision('evaluation.TierChanged', later));
    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(later, [COUNTY, later], 7));

    expect(await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(later, [COUNTY, later], 7))).toBeUndefined();
    await records.handle(topic, bytes(held));

    expect(shown.map((d) => d.eventId)).toEqual([held.eventId]);
  });

  it('gives up after the attempts allowed with DecisionNotHandled, naming the decision and the error', async () => {
    let calls = 0;
    const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
      onDecision: () => {
        calls++;
        throw new Error('county database down');
      },
      decisionAttempts: 4,
      decisionRetryMs: 0,
    });
    const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY));

    const handling = records.handle(topic, bytes(genuine));

    await expect(handling).rejects.toThrow(DecisionNotHandled);
    await expect(handling).rejects.toThrow(new RegExp(`已试 4 次.*表彰决定.*${genuine.eventId}.*county database down`));
    expect(calls).toBe(4);
  });

  it('stops at a call that does not return in time, without calling the handler again beside it', async () => {
    let calls = 0;
    const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
      onDecision: () => (calls++, new Promise<void>(() => undefined)),
      decisionAttempts: 3,
      decisionRetryMs: 0,
      decisionTimeoutMs: 20,
    });
    const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY));

    const handling = records.handle(topic, bytes(genuine));

    await expect(handling).rejects.toThrow(DecisionNotHandled);
    await expect(handling).rejects.toThrow(/已试 1 次.*onDecision 在 20 毫秒内未返回/);
    expect(calls).toBe(1);
  });

  it('sets no limit for a timeout of 0 or one that is not finite', async () => {
    for (const decisionTimeoutMs of [0, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      const shown: string[] = [];
      const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
        onDecision: (d) => new Promise<void>((r) => setTimeout(() => r(void shown.push(d.eventId)), 30)),
        decisionTimeoutMs,
      });
      const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY));

      expect(await records.handle(topic, bytes(genuine))).toBeUndefined();
      expect(shown).toEqual([genuine.eventId]);
    }
  });

  it('beats the consumer’s heart after each decision handed over, so many slow ones do not cost the group its member', async () => {
    const beats: number[] = [];
    const { records, shown } = follower();
    const later = randomUUID();
    for (let i = 0; i < 3; i++) await records.handle(topic, bytes(signWithDevelopmentKey(decision('evaluation.TierChanged', later))));

    await records.handle(ORGANIZATION_STATE_TOPIC, stateOf(later, [COUNTY, later]), () => Promise.resolve(void beats.push(shown.length)));

    expect(beats).toEqual([1, 2, 3]);
  });

  it('beats the consumer’s heart around each pause, so the retries do not cost the group its member', async () => {
    const beats: number[] = [];
    let calls = 0;
    const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
      onDecision: () => {
        calls++;
        if (calls < 3) throw new Error('county database down');
      },
      decisionRetryMs: 0,
    });
    const genuine = signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY));

    await records.handle(topic, bytes(genuine), () => Promise.resolve(void beats.push(calls)));

    // Before and after each of the two pauses, and once handed over.
    expect(beats).toEqual([1, 1, 2, 2, 3]);
  });

  it('gives up on a decision a state record released, the same way', async () => {
    const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
      onDecision: () => {
        throw new Error('county database down');
      },
      decisionAttempts: 2,
      decisionRetryMs: 0,
    });
    const later = randomUUID();
    const held = signWithDevelopmentKey(decision('evaluation.TierChanged', later));
    await records.handle(topic, bytes(held));

    await expect(records.handle(ORGANIZATION_STATE_TOPIC, stateOf(later, [COUNTY, later]))).rejects.toThrow(
      expect.objectContaining({ name: 'DecisionNotHandled', decision: expect.objectContaining({ eventId: held.eventId }) }),
    );
  });

  it('stops calling it once follow is asked to stop', async () => {
    const stop = new AbortController();
    let calls = 0;
    const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
      onDecision: () => {
        calls++;
        stop.abort();
        throw new Error('county database down');
      },
      decisionRetryMs: 60_000,
      signal: stop.signal,
    });

    await expect(
      records.handle(topic, bytes(signWithDevelopmentKey(decision('commendation.CommendationDecided', COUNTY)))),
    ).rejects.toThrow(DecisionNotHandled);
    expect(calls).toBe(1);
  });
});

describe(CountyOrganizations.name, () => {
  const held = (orgId: string): FollowedDecision => ({
    eventId: randomUUID(),
    type: 'evaluation.TierChanged',
    label: '晋档升级',
    orgId,
    streamId: 's',
    occurredAt: '2026-11-30T08:00:00.000Z',
  });

  it('takes no state from null or a record without orgId and path', () => {
    const sut = new CountyOrganizations(COUNTY);

    expect(sut.applyState(null, 1)).toEqual([]);
    expect(sut.applyState({ orgId: VILLAGE }, 1)).toEqual([]);
    expect(sut.snapshot()).toEqual({});
  });

  it('releases, in a later run, a decision held in an earlier one when built from what that run kept', () => {
    const later = randomUUID();
    const first = new CountyOrganizations(COUNTY);
    const d = held(later);
    const before = first.revision;

    expect(first.admit(d)).toBeUndefined();
    expect(first.revision).toBeGreaterThan(before);
    const kept = JSON.parse(JSON.stringify({ places: first.snapshot(), versions: first.versions(), held: first.heldDecisions() })) as {
      places: unknown;
      versions: unknown;
      held: FollowedDecision[];
    };

    const second = new CountyOrganizations(COUNTY, knownOrganizations(kept.places, kept.versions), { held: kept.held });
    expect(second.applyState({ orgId: later, path: [COUNTY, later] }, 1)).toEqual([d]);
    expect(second.heldDecisions()).toEqual([]);
  });

  it('reads an organisation an earlier follow kept without a version at version 0, which any state record supersedes', () => {
    const [ours, theirs] = [randomUUID(), randomUUID()];
    const sut = new CountyOrganizations(COUNTY, knownOrganizations({ [ours]: true, [theirs]: false }, undefined));

    expect(sut.admit(held(ours))).toBeDefined();
    expect(sut.applyState({ orgId: ours, path: [randomUUID(), ours] }, 1)).toEqual([]);
    expect(sut.admit(held(ours))).toBeUndefined();
    expect([sut.snapshot(), sut.versions()]).toEqual([
      { [ours]: false, [theirs]: false },
      { [ours]: 1, [theirs]: 0 },
    ]);
  });

  it('keeps places as yes or no, so an older follow on the same directory reads a moved-out organisation as not ours', () => {
    const out = randomUUID();
    const sut = new CountyOrganizations(COUNTY);
    sut.applyState({ orgId: out, path: [randomUUID(), out] }, 9);

    // What an older follow did with organizations.json: a truthy entry was ours.
    expect(Boolean(sut.snapshot()[out])).toBe(false);
  });

  it('leaves out entries a hand-edited directory holds in another shape, rather than fail on them', () => {
    const [ok, bad, odd] = [randomUUID(), randomUUID(), randomUUID()];
    const known = knownOrganizations({ [ok]: true, [bad]: null, [odd]: 'yes' }, { [ok]: -1, [bad]: 3 });

    expect([...known]).toEqual([[ok, { ours: true, version: 0 }]]);
    expect(knownOrganizations([true], 'versions')).toEqual(new Map());
  });

  it('refuses a state older than the one taken and changes nothing, whatever order the versions come in', () => {
    for (let round = 0; round < 50; round++) {
      const sut = new CountyOrganizations(COUNTY);
      const versions = Array.from({ length: 8 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      let newest = 0;
      for (const v of versions) {
        // Odd versions put the village in the county, even ones elsewhere.
        const applied = sut.applyState({ orgId: VILLAGE, path: v % 2 ? [COUNTY, VILLAGE] : [randomUUID(), VILLAGE] }, v);
        expect(Array.isArray(applied)).toBe(v > newest);
        newest = Math.max(newest, v);
        expect([sut.snapshot()[VILLAGE], sut.versions()[VILLAGE]]).toEqual([newest % 2 === 1, newest]);
      }
    }
  });

  it('holds at most its limit, dropping the oldest with a report, and holds a redelivered decision once', () => {
    const dropped: FollowedDecision[] = [];
    const sut = new CountyOrganizations(COUNTY, new Map(), { limit: 2, onDropped: (d) => void dropped.push(d) });
    const [a, b, c] = [held(randomUUID()), held(randomUUID()), held(randomUUID())];

    for (const d of [a, b, b, c]) sut.admit(d);

    expect(dropped).toEqual([a]);
    expect(sut.heldDecisions()).toEqual([b, c]);
  });
});
