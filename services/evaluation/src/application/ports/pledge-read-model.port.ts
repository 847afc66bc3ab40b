export const PLEDGE_READ_MODEL = Symbol('PLEDGE_READ_MODEL');

export interface PledgeView {
  readonly pledgeId: string;
  readonly campaignId: string;
  readonly cycleId: string;
  readonly orgId: string;
  readonly pledger: { readonly kind: 'organization' | 'member'; readonly id: string };
  readonly category: string;
  readonly content: string;
  readonly dueOn: string;
  readonly followsPledgeId: string | null;
  readonly status: string;
  readonly percent: number;
  readonly filedByOrgId: string | null;
  readonly returnedCount: number;
  readonly satisfactionPermille: number | null;
  /** The stream version this row reflects. */
  readonly version: number;
}

/** 承诺台账 of a subtree in a cycle. */
export interface PledgeLedger {
  readonly subtreeOf: string;
  readonly cycleId: string;
  readonly made: number;
  /** Filed at some point (including those since published, fulfilled or lapsed). */
  readonly filed: number;
  /** Returned at least once. */
  readonly returned: number;
  readonly fulfilled: number;
  readonly lapsed: number;
  /** fulfilled ÷ (fulfilled + lapsed) in per mille, rounded half up; null while none is closed. */
  readonly fulfilmentRatePermille: number | null;
}

export interface PledgeReadModelPort {
  get(pledgeId: string): Promise<PledgeView | null>;
  list(q: { subtreeOf: string; cycleId?: string; limit: number; offset: number }): Promise<{ items: PledgeView[]; total: number }>;
  ledger(q: { subtreeOf: string; cycleId: string }): Promise<PledgeLedger>;
}
