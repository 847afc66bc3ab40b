import { decisionReason } from '@vanguard/contracts';
import { ruleRef, type Decider } from '@vanguard/kernel';
import { QuotaIsNotExceededRule } from '../nomination/nomination.rules';
import { RulesChecked } from '../rules-checked';
import type { GrantPlace, PlacesCommand, ReleasePlaces } from './places.commands';
import type { PlacesEvent } from './places.events';
import { PlacesAreFreedOnlyByANominationThatLeftTheLevelsRule } from './places.rules';
import { evolve, initialState, levelsHeldBy, placesHeld, placesStreamId, type PlacesState } from './places.state';

const self = (programmeId: string, unitOrgId: string, state: PlacesState) => ({
  streamId: placesStreamId(programmeId, unitOrgId),
  version: state.version,
});

/** A place at a level the nomination already holds is not taken twice (a repeated decision grants nothing). */
export function grantPlace({ data }: GrantPlace, state: PlacesState): PlacesEvent[] {
  if (levelsHeldBy(state, data.category, data.nominationId).includes(data.level)) return [];
  const usedBefore = placesHeld(state, data.category, data.level, data.nominationId);
  const rules = new RulesChecked();
  const rule = ruleRef(rules.check(new QuotaIsNotExceededRule({ places: data.places, used: usedBefore })));
  return [
    {
      type: 'commendation.PlaceGranted',
      data: {
        programmeId: data.programmeId,
        unitOrgId: data.unitOrgId,
        category: data.category,
        level: data.level,
        nominationId: data.nominationId,
        ...(data.nomineeId ? { nomineeId: data.nomineeId } : {}),
        places: data.places,
        usedBefore,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(data.programmeId, data.unitOrgId, state), data.programme, data.nomination],
          rule,
          checks: rules.besides(rule),
          reason: decisionReason(data.reason ?? ''),
        },
      },
    },
  ];
}

/** Gives back what the nomination holds (none held: nothing to record). */
export function releasePlaces({ data }: ReleasePlaces, state: PlacesState): PlacesEvent[] {
  const rules = new RulesChecked();
  const rule = ruleRef(rules.check(new PlacesAreFreedOnlyByANominationThatLeftTheLevelsRule(data.because, data.status)));
  const held = levelsHeldBy(state, data.category, data.nominationId);
  const levels = data.because === 'amended' ? held.filter((l) => l !== 'nominator') : held;
  if (levels.length === 0) return [];
  return [
    {
      type: 'commendation.PlacesReleased',
      data: {
        programmeId: data.programmeId,
        unitOrgId: data.unitOrgId,
        category: data.category,
        nominationId: data.nominationId,
        levels,
        because: data.because,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(data.programmeId, data.unitOrgId, state), data.nomination],
          rule,
          checks: rules.besides(rule),
          reason: decisionReason(data.reason ?? ''),
        },
      },
    },
  ];
}

export function decide(command: PlacesCommand, state: PlacesState): PlacesEvent[] {
  switch (command.type) {
    case 'GrantPlace':
      return grantPlace(command, state);
    case 'ReleasePlaces':
      return releasePlaces(command, state);
  }
}

/** 名额: a unit's places in one programme, taken and given back by its nominations. */
export const placesDecider: Decider<PlacesCommand, PlacesState, PlacesEvent> = { initialState, evolve, decide };
