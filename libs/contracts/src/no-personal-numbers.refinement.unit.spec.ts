import { MemberTransferRejectedV2 } from './organization/transfer-and-post.contracts';
import { personalNumbersIn } from './no-personal-numbers.refinement';
import { publicContracts } from './public-contracts';

describe(personalNumbersIn.name, () => {
  const sut = personalNumbersIn;

  it.each([
    ['身份证 32010119850101123X', ['id-number']],
    ['old card 320101850101123', ['id-number']],
    ['手机 13912345678', ['phone']],
    ['call +86 139 1234 5678', ['phone']],
    ['座机 025-84561234', ['phone']],
    ['全角 １３９１２３４５６７８', ['phone']],
    ['2011-05-05 13912345678', ['phone']],
    ['材料不全，2011年5月5日前补交', []],
    ['档案编号 2011-0505-07', []],
    ['党费 1200 元，年份 2011', []],
  ])('%s → %j', (text, kinds) => {
    expect(sut(text)).toEqual(kinds);
  });
});

describe(`${MemberTransferRejectedV2.type} v2`, () => {
  const envelope = (reason: string) => ({
    eventId: '0190b0c4-0000-7000-8000-000000000001',
    type: MemberTransferRejectedV2.type,
    version: 2,
    streamId: 'member-0190b0c4-0000-7000-8000-000000000002',
    streamVersion: 3,
    occurredAt: '2011-05-05T08:00:00.000Z',
    recordedAt: '2011-05-05T08:00:00.000Z',
    actor: { sub: 'u', roles: ['organizer'], kind: 'user' as const },
    orgId: '0190b0c4-0000-7000-8000-000000000003',
    correlationId: 'c',
    causationId: null,
    data: {
      transferId: '0190b0c4-0000-7000-8000-000000000004',
      memberId: '0190b0c4-0000-7000-8000-000000000002',
      fromOrgId: '0190b0c4-0000-7000-8000-000000000003',
      toOrgId: '0190b0c4-0000-7000-8000-000000000005',
      rejectedOn: '2011-05-05',
      reason,
    },
  });
  const sut = publicContracts;

  it('validate_WhenTheReasonCarriesAPhoneOrIdNumber_RefusesIt', () => {
    expect(sut.validate(envelope('联系 13912345678')).ok).toBe(false);
    expect(sut.validate(envelope('身份证 32010119850101123X 不符')).ok).toBe(false);
    expect(sut.validate(envelope('材料不全')).ok).toBe(true);
  });
});
