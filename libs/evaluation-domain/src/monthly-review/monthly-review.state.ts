import type { MonthlyReviewEvent, ZoneEvent } from './monthly-review.events';

export interface ZoneState {
  readonly version: number;
  readonly zone: ZoneEvent['data'] | null;
}

export const initialZoneState = (): ZoneState => ({ version: 0, zone: null });

export function evolveZone(state: ZoneState, event: ZoneEvent): ZoneState {
  switch (event.type) {
    case 'evaluation.ZoneDesignated':
      return { version: state.version + 1, zone: event.data };
  }
}

type Opened = Extract<MonthlyReviewEvent, { type: 'evaluation.MonthlyReviewOpened' }>['data'];
type Concluded = Extract<MonthlyReviewEvent, { type: 'evaluation.MonthlyReviewConcluded' }>['data'];

export interface MonthlyReviewState {
  readonly version: number;
  readonly round: Omit<Opened, 'decision'> | null;
  /** Points by unit, then by scorer (Keycloak subject): a scorer's later batch replaces their points for a unit. */
  readonly points: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>;
  readonly concluded: Omit<Concluded, 'decision'> | null;
}

export const initialMonthlyReviewState = (): MonthlyReviewState => ({ version: 0, round: null, points: new Map(), concluded: null });

export function evolveMonthlyReview(state: MonthlyReviewState, event: MonthlyReviewEvent): MonthlyReviewState {
  const version = state.version + 1;
  switch (event.type) {
    case 'evaluation.MonthlyReviewOpened': {
      const { decision: _d, ...round } = event.data;
      return { ...state, version, round };
    }
    case 'evaluation.MonthlyReviewScoresRecorded': {
      // Folding 5,000 units' batches copies the map once per batch, not once per unit.
      const points = new Map(state.points);
      const scorer = event.data.decision.decidedBy.sub;
      for (const s of event.data.scores) {
        const byScorer = new Map(points.get(s.orgId) ?? []);
        byScorer.set(scorer, s.points);
        points.set(s.orgId, byScorer);
      }
      return { ...state, version, points };
    }
    case 'evaluation.MonthlyReviewConcluded': {
      const { decision: _d, ...concluded } = event.data;
      return { ...state, version, concluded };
    }
  }
}
