import { personalNumbersIn, personalNumbersPublishedIn, personalNumbersShownIn, type NumberReading } from '@vanguard/contracts';
import { Rule, VersionedRuleSet } from '@vanguard/kernel';
import { LEADER_ROLES } from '../comment/comment.rules';
import type { DecidedBy } from '../decided-by';
import type { ServiceRecord } from './window-unit.commands';
import { idsOf, type OrgPath } from '../org-path';
import type { WindowUnitState } from './window-unit.state';

/** The unit's own secretary, or a leader of an organisation above it, speaks for a window unit. */
export class WindowUnitIsPublishedByTheUnitOrAboveRule extends Rule {
  readonly id = 'evaluation.window-unit.by-unit-or-above';
  readonly code = 'WINDOW_UNIT.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message = '只有本单位或上级组织可以公开服务承诺 / only the unit or a leader above publishes its commitments';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: OrgPath,
  ) {
    super();
  }
  isBroken(): boolean {
    return !LEADER_ROLES.includes(this.decidedBy.role) || !idsOf(this.orgPath).includes(this.decidedBy.orgId);
  }
}

type Commitments = { serviceName: string; duties: string; process: string; discipline: string; servicePhone: string };
const SERVICE_LINE = /^(0\d{2,3}-?\d{7,8}|\d{5,6})$/;

/**
 * 公开页面不含个人信息, version 1: the commitments appear on a public page, so their text carries
 * no ID-card or phone number (a person's), and the service phone is the unit's line — a landline
 * or short hotline — never a mobile, which belongs to a person. Kept for the decisions that recorded it.
 */
export class CommitmentsCarryNoPersonalDataRuleV1 extends Rule {
  readonly id = 'evaluation.window-unit.no-personal-data';
  readonly code = 'WINDOW_UNIT.PERSONAL_DATA';
  readonly kind = 'invalid';
  readonly message = '公开的服务承诺不得含个人身份证号或手机号 / public commitments carry no ID-card or mobile number';
  constructor(private readonly c: Commitments) {
    super();
  }
  isBroken(): boolean {
    const text = [this.c.serviceName, this.c.duties, this.c.process, this.c.discipline];
    return text.some((t) => personalNumbersIn(t).length > 0) || !SERVICE_LINE.test(this.c.servicePhone);
  }
}

/**
 * Version 2 (a probe published a mobile number as 138\u200b0013\u200b8000 past version 1): as
 * version 1, with the text read as the public page shows it — behind invisible characters, dots,
 * brackets or Chinese numerals too (`personalNumbersShownIn`), numerals read as one with the
 * digits they touch (reading 2). Kept for the decisions that recorded it.
 */
export class CommitmentsCarryNoPersonalDataRuleV2 extends Rule {
  readonly id = 'evaluation.window-unit.no-personal-data';
  override readonly version: number = 2;
  protected readonly reading: NumberReading = 2;
  readonly code = 'WINDOW_UNIT.PERSONAL_DATA';
  readonly kind = 'invalid';
  readonly message =
    '公开的服务承诺不得含个人身份证号或手机号（含以符号、零宽字符或汉字数字写出的）/ public commitments carry no ID-card or mobile number, nor one split by symbols or invisible characters or spelled in Chinese numerals';
  constructor(private readonly c: Commitments) {
    super();
  }
  isBroken(): boolean {
    const text = [this.c.serviceName, this.c.duties, this.c.process, this.c.discipline];
    return text.some((t) => this.numbersIn(t).length > 0) || !SERVICE_LINE.test(this.c.servicePhone);
  }
  protected numbersIn(text: string): readonly string[] {
    return personalNumbersShownIn(text, false, this.reading);
  }
}

/**
 * Version 3: as version 2, with a group of digits ending where a numeral meets it — 办事员张三13800138000
 * read as one number 313800138000 under version 2, so a name ending in 三 or 四 hid a mobile.
 * Kept for the decisions that recorded it.
 */
export class CommitmentsCarryNoPersonalDataRuleV3 extends CommitmentsCarryNoPersonalDataRuleV2 {
  override readonly version: number = 3;
  protected override readonly reading: NumberReading = 3;
}

/**
 * Version 4: as version 3, with a number spelled in numerals read without the one or two numerals
 * a word before or after it may carry — 办事员张三一三八〇〇一三八〇〇〇 read 313800138000 under
 * version 3 — and what the event's own contract refuses too (`personalNumbersPublishedIn`): a bare
 * landline such as 010-12345678 passed version 3, was stored and shown, and its event never left
 * the store (the relay refused it).
 */
export class CommitmentsCarryNoPersonalDataRule extends CommitmentsCarryNoPersonalDataRuleV2 {
  override readonly version: number = 4;
  protected override readonly reading: NumberReading = 4;
  protected override numbersIn(text: string): readonly string[] {
    return personalNumbersPublishedIn(text, 4);
  }
}

export const COMMITMENTS_CARRY_NO_PERSONAL_DATA = new VersionedRuleSet<[Commitments]>('evaluation.window-unit.no-personal-data', {
  1: CommitmentsCarryNoPersonalDataRuleV1,
  2: CommitmentsCarryNoPersonalDataRuleV2,
  3: CommitmentsCarryNoPersonalDataRuleV3,
  4: CommitmentsCarryNoPersonalDataRule,
});

/** Services are counted for a window unit, one that has published its commitments. */
export class ServicesAreCountedForAWindowUnitRule extends Rule {
  readonly id = 'evaluation.window-unit.is-window-unit';
  readonly code = 'WINDOW_UNIT.NOT_PUBLISHED';
  readonly kind = 'rule';
  readonly message = '该单位不是已公开承诺的窗口单位 / the unit has not published window commitments';
  constructor(private readonly state: WindowUnitState) {
    super();
  }
  isBroken(): boolean {
    return this.state.commitments === null;
  }
}

/** A batch the unit's system resends (same batch id) is answered, not counted again. */
export class BatchIsCountedOnceRule extends Rule {
  readonly id = 'evaluation.window-unit.batch-once';
  readonly code = 'WINDOW_UNIT.BATCH_COUNTED';
  readonly kind = 'conflict';
  readonly message = '该批服务记录已计入 / this batch of records is counted already';
  constructor(
    private readonly state: WindowUnitState,
    private readonly batchId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.batches.has(this.batchId);
  }
}

/**
 * A record id counts once for the unit, over every batch it sends (ADR 0047 "a record id once", ADR
 * 0122): a record counted in an earlier batch is not counted again, and a batch with no record left
 * to count is answered, not counted. Decisions recorded before this rule name no such check and
 * counted a record id once within their own batch only.
 */
export class RecordIsCountedOnceForTheUnitRule extends Rule {
  readonly id = 'evaluation.window-unit.record-once';
  readonly code = 'WINDOW_UNIT.RECORDS_COUNTED';
  readonly kind = 'conflict';
  readonly message = '该批服务记录均已计入 / every record of this batch is counted already';
  constructor(private readonly toCount: readonly ServiceRecord[]) {
    super();
  }
  isBroken(): boolean {
    return this.toCount.length === 0;
  }
}

/**
 * The batch's records still to count: each record id once (its first occurrence), none the unit's
 * index says an earlier batch of this stream counted. The index answers for the stream's batches
 * only: an id it names under a batch the stream never counted is counted now.
 */
export function recordsToCount(
  records: readonly ServiceRecord[],
  countedBefore: ReadonlyMap<string, string>,
  state: WindowUnitState,
): ServiceRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (seen.has(r.recordId)) return false;
    seen.add(r.recordId);
    const batch = countedBefore.get(r.recordId);
    return batch === undefined || !state.batches.has(batch);
  });
}

/** Records come from the unit's own systems or one above it (a county system acts for its county). */
export class ServicesAreSentByTheUnitOrAboveRule extends Rule {
  readonly id = 'evaluation.window-unit.sent-by-unit-or-above';
  readonly code = 'WINDOW_UNIT.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message = '只能导入本单位或下级单位的服务记录 / records are sent for the unit itself or one below';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: OrgPath,
  ) {
    super();
  }
  isBroken(): boolean {
    return !idsOf(this.orgPath).includes(this.decidedBy.orgId);
  }
}
