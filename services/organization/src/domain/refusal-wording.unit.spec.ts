import { MEMBER_ROLE_LABEL, MEMBER_ROLES } from './member/member.vocabulary';
import { MemberCannotHoldTheSameRoleTwiceRule } from './member/rules/member-cannot-hold-the-same-role-twice.rule';
import { ORG_LEVEL_LABEL, ORG_LEVELS } from './organization/organization.vocabulary';
import { ChildLevelMustBeBelowParentLevelRule } from './organization/rules/child-level-must-be-below-parent-level.rule';
import type { TransferStatus } from './transfer/member-transfer.aggregate';
import { TRANSFER_ACTIONS, TRANSFER_STATUS_LABEL, TransferMustBeInStateRule } from './transfer/rules/transfer-must-be-in-state.rule';

/** The Chinese half a secretary reads: before the ' / ' that starts the English one. */
const chinese = (message: string) => message.split(/ ?\/ /)[0]!;

describe('a refusal naming a role or a level', () => {
  it('names it in Chinese in its Chinese half (该党员已担任书记), never by its code', () => {
    for (const role of MEMBER_ROLES) {
      const rule = new MemberCannotHoldTheSameRoleTwiceRule([role], role);
      expect(rule.isBroken()).toBe(true);
      expect(chinese(rule.message)).not.toMatch(/[A-Za-z]/);
      expect(chinese(rule.message)).toContain(MEMBER_ROLE_LABEL[role]);
    }
    let refused = 0;
    for (const parent of ORG_LEVELS)
      for (const child of ORG_LEVELS) {
        const rule = new ChildLevelMustBeBelowParentLevelRule(parent, child);
        if (!rule.isBroken()) continue;
        refused++;
        expect(chinese(rule.message)).not.toMatch(/[A-Za-z]/);
        expect(chinese(rule.message)).toContain(`${ORG_LEVEL_LABEL[child]}党组织不能隶属于${ORG_LEVEL_LABEL[parent]}党组织`);
      }
    expect(refused).toBeGreaterThan(10);
  });

  it('names a transfer’s status and the step asked in Chinese (转接已接收，不能拒收), and the step in English in its English half', () => {
    const steps = Object.keys(TRANSFER_ACTIONS) as (keyof typeof TRANSFER_ACTIONS)[];
    for (const actual of Object.keys(TRANSFER_STATUS_LABEL) as TransferStatus[])
      for (const action of steps) {
        const rule = new TransferMustBeInStateRule(actual, actual === 'requested' ? 'accepted' : 'requested', action);
        expect(chinese(rule.message)).not.toMatch(/[A-Za-z]/);
        expect(chinese(rule.message)).toBe(`转接${TRANSFER_STATUS_LABEL[actual]}，不能${TRANSFER_ACTIONS[action][0]}`);
        expect(rule.message).toMatch(new RegExp(` to ${TRANSFER_ACTIONS[action][1]}$`));
      }
  });
});
