import type { WindowUnitEvent } from './window-unit.events';

type Published = Extract<WindowUnitEvent, { type: 'evaluation.WindowUnitCommitmentsPublished' }>['data'];

export interface WindowUnitState {
  readonly version: number;
  readonly commitments: Omit<Published, 'decision'> | null;
  /** Batch ids already counted: a resent batch counts nothing. */
  readonly batches: ReadonlySet<string>;
  /** Services counted, by `YYYY-MM|kind`. */
  readonly counts: ReadonlyMap<string, number>;
}

export const initialWindowUnitState = (): WindowUnitState => ({ version: 0, commitments: null, batches: new Set(), counts: new Map() });

export function evolveWindowUnit(state: WindowUnitState, event: WindowUnitEvent): WindowUnitState {
  const version = state.version + 1;
  switch (event.type) {
    case 'evaluation.WindowUnitCommitmentsPublished': {
      const { decision: _d, ...commitments } = event.data;
      return { ...state, version, commitments };
    }
    case 'evaluation.WindowServicesCounted': {
      const counts = new Map(state.counts);
      for (const c of event.data.counts) counts.set(`${c.month}|${c.kind}`, (counts.get(`${c.month}|${c.kind}`) ?? 0) + c.count);
      return { ...state, version, batches: new Set([...state.batches, event.data.batchId]), counts };
    }
  }
}
