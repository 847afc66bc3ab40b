import { describeReply, parseReply, replyTopicOf } from './county-replies';
import { CountyOrganizations, decisionOf } from './county-follow';
import type { EventEnvelope } from '@vanguard/contracts';

describe(parseReply.name, () => {
  it('reads a county.MessageOutcome envelope and ignores anything else', () => {
    const data = {
      messageId: 'm-1',
      messageType: 'county.RosterMemberSynced',
      subject: 'roster-member-x',
      service: 'organization',
      outcome: 'refused',
      code: 'COUNTY.OUT_OF_SCOPE',
      reason: '不在本县范围',
    };

    expect(parseReply(JSON.stringify({ type: 'county.MessageOutcome', data }))).toEqual(data);
    expect(parseReply(JSON.stringify({ type: 'organization.MemberRegistered', data }))).toBeUndefined();
    expect(parseReply('not json')).toBeUndefined();
    expect(parseReply(null)).toBeUndefined();
  });
});

describe(describeReply.name, () => {
  it('says in Chinese what happened, with code and reason, and for a duplicate what happened the first time', () => {
    expect(
      describeReply({
        messageId: 'm-1',
        messageType: 'county.DeedRecorded',
        subject: null,
        service: 'assistance',
        outcome: 'refused',
        code: 'COUNTY.INVALID',
        reason: 'doneOn: invalid',
      }),
    ).toBe('消息 m-1: 被拒绝 [COUNTY.INVALID] 原因: doneOn: invalid （county.DeedRecorded，处理服务: assistance）');
    expect(
      describeReply({
        messageId: 'm-2',
        messageType: 'county.DeedRecorded',
        subject: 'deed-d',
        service: 'assistance',
        outcome: 'duplicate',
        originalOutcome: 'applied',
      }),
    ).toBe('消息 m-2: 重复消息（未再应用） 原结果: 已应用 （county.DeedRecorded，处理服务: assistance）');
  });
});

describe(replyTopicOf.name, () => {
  it('is one topic per county client', () => {
    expect(replyTopicOf('county-hekou')).toBe('vanguard.county.replies.county-hekou.v1');
    expect(() => replyTopicOf('../x')).toThrow();
  });
});

const county = 'c0000000-0000-4000-8000-000000000001';
const decided = (orgId: string): EventEnvelope =>
  ({
    eventId: `e-${orgId}`,
    type: 'evaluation.PledgeRated',
    orgId,
    streamId: 'pledge-p',
    occurredAt: '2026-11-30T00:00:00Z',
    data: { decision: { reason: '按期兑现', decidedBy: { role: 'organizer' } } },
  }) as unknown as EventEnvelope;

describe(CountyOrganizations.name, () => {
  it('admits decisions about organisations below the county, holds unknown ones until their state arrives, drops the others', () => {
    const sut = new CountyOrganizations(county);
    sut.applyState({ orgId: 'ours', path: ['root', county, 'ours'] });
    sut.applyState({ orgId: 'theirs', path: ['root', 'other', 'theirs'] });

    expect(sut.admit(decisionOf(decided('ours'))!)).toMatchObject({ label: '评诺结果', reason: '按期兑现', decidedBy: 'organizer' });
    expect(sut.admit(decisionOf(decided('theirs'))!)).toBeUndefined();
    expect(sut.admit(decisionOf(decided('late'))!)).toBeUndefined();
    expect(sut.applyState({ orgId: 'late', path: ['root', county, 'late'] }).map((d) => d.orgId)).toEqual(['late']);
    expect(sut.snapshot()).toEqual({ ours: true, theirs: false, late: true });
  });

  it('is not fooled by events without a decision', () => {
    expect(decisionOf({ ...decided('ours'), data: { pledgeId: 'p' } })).toBeUndefined();
  });
});
