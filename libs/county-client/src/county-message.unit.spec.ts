import { publicContracts } from '@vanguard/contracts';
import { InvalidCountyData, buildCountyMessage, countyKafkaMessage, subjectOf } from './county-message';

const identity = {
  clientId: 'county-songling',
  sub: '5b0c3a57-0000-4000-8000-000000000001',
  countyOrgId: '00000000-0000-4000-8000-000000910425',
};
const member = {
  memberId: '11111111-1111-4111-8111-111111111111',
  orgId: '00000000-0000-4000-8000-910425101201',
  name: '张三',
  status: 'full',
  joinedOn: '2001-07-01',
  roles: ['secretary'],
  posts: [],
};
const at = new Date('2026-11-30T04:00:00.000Z');

describe(buildCountyMessage.name, () => {
  it('builds the envelope of COUNTY.md: message id, subject key, sequence, service actor of the county, valid by the contract', () => {
    const sut = buildCountyMessage({
      type: 'county.RosterMemberSynced',
      data: member,
      identity,
      messageId: 'a1b2c3d4-0000-4000-8000-000000000009',
      sequence: 3,
      at,
    });

    expect(sut).toMatchObject({
      eventId: 'a1b2c3d4-0000-4000-8000-000000000009',
      type: 'county.RosterMemberSynced',
      version: 1,
      streamId: `roster-member-${member.memberId}`,
      streamVersion: 3,
      occurredAt: '2026-11-30T04:00:00.000Z',
      actor: { sub: identity.sub, roles: ['county_system'], orgId: identity.countyOrgId, kind: 'service' },
      orgId: identity.countyOrgId,
      data: member,
    });
    expect(() => publicContracts.assertValid(sut)).not.toThrow();
  });

  it('refuses data the contract refuses, naming the field, unless told not to check', () => {
    const bad = { ...member, joinedOn: '2001-13-45', idCard: '110101199003071234' };

    expect(() => buildCountyMessage({ type: 'county.RosterMemberSynced', data: bad, identity, messageId: 'x', sequence: 1, at })).toThrow(
      InvalidCountyData,
    );
    expect(() => buildCountyMessage({ type: 'county.RosterMemberSynced', data: bad, identity, messageId: 'x', sequence: 1, at })).toThrow(
      /joinedOn/,
    );
    const unchecked = buildCountyMessage({
      type: 'county.RosterMemberSynced',
      data: bad,
      identity,
      messageId: 'x',
      sequence: 1,
      at,
      validate: false,
    });
    expect(unchecked.data).toEqual(bad);
  });

  it('refuses a sequence below 1 and a type that is not a county message', () => {
    expect(() =>
      buildCountyMessage({ type: 'county.RosterMemberSynced', data: member, identity, messageId: 'x', sequence: 0, at }),
    ).toThrow(/sequence/);
    expect(() => buildCountyMessage({ type: 'evaluation.PledgeMade', data: member, identity, messageId: 'x', sequence: 1, at })).toThrow(
      /not a county message type/,
    );
  });
});

describe(subjectOf.name, () => {
  it('keys each contract by its subject: the member, the pledge, the evaluated member or else the organisation, the cadre', () => {
    expect(subjectOf('county.PledgeProgressReported', { pledgeId: 'p' })).toBe('pledge-p');
    expect(subjectOf('county.MassEvaluationTallied', { memberId: null, orgId: 'o' })).toBe('mass-evaluation-o');
    expect(subjectOf('county.MassEvaluationTallied', { memberId: 'm', orgId: 'o' })).toBe('mass-evaluation-m');
    expect(subjectOf('county.VisitLogged', { cadreId: 'c' })).toBe('field-diary-c');
    expect(() => subjectOf('county.DeedRecorded', {})).toThrow(/no subject id/);
  });
});

describe(countyKafkaMessage.name, () => {
  it('keys the record by the subject and carries the bearer token and the envelope headers', () => {
    const e = buildCountyMessage({ type: 'county.RosterMemberSynced', data: member, identity, messageId: 'm-1', sequence: 1, at });

    const sut = countyKafkaMessage(e, 'tok');

    expect(sut.key).toBe(`roster-member-${member.memberId}`);
    expect(sut.headers).toMatchObject({ authorization: 'Bearer tok', 'vg-event-id': 'm-1', 'vg-stream-version': '1' });
    expect(JSON.parse(String(sut.value))).toEqual(e);
  });
});
