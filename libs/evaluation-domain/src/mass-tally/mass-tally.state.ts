import type { RatingTally } from '@vanguard/contracts';
import type { MassTallyEvent } from './mass-tally.events';

/** The count in force for one subject and period: the last one recorded (a later one replaces it). */
export interface MassTallyState {
  readonly version: number;
  readonly heldOn: string | null;
  readonly tally: RatingTally | null;
  readonly satisfactionPermille: number | null;
}

export const initialState = (): MassTallyState => ({ version: 0, heldOn: null, tally: null, satisfactionPermille: null });

export function evolve(state: MassTallyState, event: MassTallyEvent): MassTallyState {
  switch (event.type) {
    case 'evaluation.MassEvaluationTallyRecorded':
      return {
        version: state.version + 1,
        heldOn: event.data.heldOn,
        tally: event.data.tally,
        satisfactionPermille: event.data.satisfactionPermille,
      };
  }
}
