import type { ContractData, WindowServicesCounted, WindowUnitCommitmentsPublished } from '@vanguard/contracts';
import type { RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

type Published = ContractData<typeof WindowUnitCommitmentsPublished>;
export type WindowServiceKind = ContractData<typeof WindowServicesCounted>['counts'][number]['kind'];

/** 亮职责、亮流程、亮纪律: the unit (or a leader above) publishes what the public page shows. */
export interface PublishWindowCommitments {
  readonly type: 'PublishWindowCommitments';
  readonly data: Pick<Published, 'orgId' | 'serviceName' | 'duties' | 'process' | 'discipline' | 'publishedOn'> & {
    /** The unit's service line: checked here, kept by the service beside the stream, never in an event (ADR 0047). */
    readonly servicePhone: string;
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
    /** The rule versions to run: a replay's, those the decision recorded; omitted, the ones in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

/** One record a unit's own system sent: a service given, handled on a citizen's behalf, at home, or approved online. */
export interface ServiceRecord {
  readonly recordId: string;
  readonly kind: WindowServiceKind;
  /** The day the service was given, YYYY-MM-DD. */
  readonly on: string;
}

/** 服务记录导入: a batch of records from the unit's systems, counted by month and kind — never typed-in totals. */
export interface CountWindowServices {
  readonly type: 'CountWindowServices';
  readonly data: {
    readonly orgId: string;
    readonly batchId: string;
    readonly source: 'import' | 'county';
    readonly records: readonly ServiceRecord[];
    /**
     * Of the batch's record ids, those the unit's index of counted records holds, each with the batch
     * that counted it (ADR 0122): read by the handler in the transaction that appends. The events
     * carry no record id, so the stream alone cannot say which records it counted.
     */
    readonly countedBefore: ReadonlyMap<string, string>;
    readonly countedOn: string;
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
  };
}

export type WindowUnitCommand = PublishWindowCommitments | CountWindowServices;
