import { randomUUID } from 'node:crypto';
import { EventSigner, developmentEventKey, developmentEventKeyId, rawPublicKey, signWithDevelopmentKey } from '@vanguard/auth';
import { ORGANIZATION_STATE_TOPIC, countyDecisionTopic, type EventEnvelope } from '@vanguard/contracts';
import { CountyOrganizations, FollowedRecords, type FollowedDecision } from './county-follow';
import { decisionVerifier, type ForgedDecision } from './county-decision-check';

// A county takes a decision only when the context that decides signed it (ADR 0059, ADR 0062):
// whoever can write to its decision topic (the feed that copies them, a mis-set ACL) cannot make
// it show a decision nobody took.

const COUNTY = randomUUID();
const VILLAGE = randomUUID();
const topic = countyDecisionTopic('county-songling');

function decision(type: string, orgId = VILLAGE): EventEnvelope {
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
const stateOf = (orgId: string, path: string[]) => bytes({ ...decision('organization.OrganizationState'), data: { orgId, path } });

function follower() {
  const shown: FollowedDecision[] = [];
  const forged: ForgedDecision[] = [];
  const records = new FollowedRecords(new CountyOrganizations(COUNTY), decisionVerifier({}, { allowDevelopmentKey: true }), {
    onDecision: (d) => void shown.push(d),
    onForged: (f) => void forged.push(f),
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
