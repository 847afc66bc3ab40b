import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';
import type { MembershipHistoryEntry } from '../member.aggregate';

/** How a history line is named in a refusal: `中文 / English`. */
const KIND_NAMES: Record<MembershipHistoryEntry['kind'], string> = {
  joined: '入党 / joined',
  role_assigned: '担任职务 / role assigned',
  post_granted: '设岗亮牌 / vanguard post granted',
  transferred_out: '组织关系转出 / transferred out',
  transferred_in: '组织关系转入 / transferred in',
  left: '离开 / left',
  became_full: '转为正式党员 / became full',
  renamed: '姓名更正 / name corrected',
  status_changed: '党员身份变更 / status changed',
  role_removed: '免去职务 / role removed',
  post_removed: '撤销岗位 / vanguard post withdrawn',
};

/**
 * A member leaves no earlier than the latest day of his history (ADR 0140): each line of it — a
 * role, a post, a transfer or a merge into his organisation, the joining, becoming full (ADR 0154) — records him as a
 * member of the organisation on its day, so a leaving before it would leave a history in which he
 * acts after he left. (A county restate's corrections are dated when learned and bound nothing:
 * `BOUNDS_A_LEAVING`, ADR 0150.) Only the joining day bounded it: a county's removal dated 2026-01-05 was
 * applied to a member whose roster sync had assigned him a role on 2026-12-05. A county's late
 * paperwork is refused too, naming the day, as a changed joining day is: the county removes him on
 * or after that day, or the organisation department corrects the record first.
 * The same code as a day before joining or after today: the same out-of-range day, a day named.
 */
export class MemberCannotLeaveBeforeTheLatestDayOfTheirHistoryRule implements BusinessRule {
  readonly code = 'MEMBER.LEFT_ON_OUT_OF_RANGE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly leftOn: Day,
    private readonly latest: Pick<MembershipHistoryEntry, 'on' | 'kind'> | undefined,
  ) {
    const on = latest?.on ?? '';
    const [zh, en] = (latest ? KIND_NAMES[latest.kind] : ' / ').split(' / ');
    this.message =
      `该党员的组织关系历史记至 ${on}（${zh}），离开日期不能早于 ${on} / ` +
      `the member's history runs to ${on} (${en}): the leaving day cannot be before ${on}`;
  }
  isBroken(): boolean {
    return this.latest !== undefined && this.leftOn < this.latest.on;
  }
}
