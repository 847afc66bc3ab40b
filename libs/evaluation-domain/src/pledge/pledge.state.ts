import type { ContractData, PledgeMade } from '@vanguard/contracts';
import type { PledgeEvent } from './pledge.events';

/** made → (returned → made)* → filed → published → fulfilled | lapsed; rated once after that. */
export type PledgeStatus = 'none' | 'awaiting_filing' | 'returned' | 'filed' | 'published' | 'fulfilled' | 'lapsed';

export interface PledgeState {
  readonly status: PledgeStatus;
  /** Events folded so far: the stream version a decision records as its input. */
  readonly version: number;
  readonly pledgeId: string | null;
  readonly pledger: ContractData<typeof PledgeMade>['pledger'] | null;
  readonly orgId: string | null;
  readonly dueOn: string | null;
  /** The organisation whose level filed the pledge: it decides fulfilment and lapse. */
  readonly filedByOrgId: string | null;
  readonly percent: number;
  readonly rated: boolean;
}

export const initialState = (): PledgeState => ({
  status: 'none',
  version: 0,
  pledgeId: null,
  pledger: null,
  orgId: null,
  dueOn: null,
  filedByOrgId: null,
  percent: 0,
  rated: false,
});

export function evolve(state: PledgeState, event: PledgeEvent): PledgeState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.PledgeMade':
      return {
        ...s,
        status: 'awaiting_filing',
        pledgeId: event.data.pledgeId,
        pledger: event.data.pledger,
        orgId: event.data.orgId,
        dueOn: event.data.dueOn,
      };
    case 'evaluation.PledgeAmended':
      return { ...s, status: 'awaiting_filing', dueOn: event.data.dueOn };
    case 'evaluation.PledgeReturned':
      return { ...s, status: 'returned' };
    case 'evaluation.PledgeFiled':
      return { ...s, status: 'filed', filedByOrgId: event.data.decision.decidedBy.orgId };
    case 'evaluation.PledgePublished':
      return { ...s, status: 'published' };
    case 'evaluation.PledgeProgressReported':
      return { ...s, percent: event.data.percent };
    case 'evaluation.PledgeFulfilled':
      return { ...s, status: 'fulfilled', percent: 100 };
    case 'evaluation.PledgeLapsed':
      return { ...s, status: 'lapsed' };
    case 'evaluation.PledgeRated':
      return { ...s, rated: true };
  }
}
