import type { AwardCategory } from '@vanguard/contracts';
import type { PlacesEvent } from './places.events';
import type { PlaceLevel } from './places.commands';

/**
 * The places a unit's nominations hold in one programme: for each category and level, the
 * nominations holding one. Counting them is the places decision; the stream's version is what
 * makes two decisions on the same places take turns.
 */
export interface PlacesState {
  readonly version: number;
  /** `<category>|<level>` → the nominations holding a place there, in the order they took it. */
  readonly held: Readonly<Record<string, readonly string[]>>;
  /** nomination → its nominee, as its grants recorded it (grants before 2026-12-02 recorded none). */
  readonly nominees: Readonly<Record<string, string>>;
}

export const initialState = (): PlacesState => ({ version: 0, held: {}, nominees: {} });

/**
 * Names this state's shape and `evolve`: a stored snapshot of a places stream (every nomination of
 * the unit appends to it, so it grows without end) is used only under the same name. Change it
 * whenever either changes.
 */
export const PLACES_FOLD_VERSION = 'commendation.places-state@2';

const key = (category: AwardCategory, level: PlaceLevel) => `${category}|${level}`;

export function evolve(state: PlacesState, event: PlacesEvent): PlacesState {
  const version = state.version + 1;
  switch (event.type) {
    case 'commendation.PlaceGranted': {
      const k = key(event.data.category, event.data.level);
      const nominees = event.data.nomineeId ? { ...state.nominees, [event.data.nominationId]: event.data.nomineeId } : state.nominees;
      return { version, held: { ...state.held, [k]: [...(state.held[k] ?? []), event.data.nominationId] }, nominees };
    }
    case 'commendation.PlacesReleased': {
      const held = { ...state.held };
      for (const level of event.data.levels) {
        const k = key(event.data.category, level);
        held[k] = (held[k] ?? []).filter((id) => id !== event.data.nominationId);
      }
      return { version, held, nominees: state.nominees };
    }
  }
}

/** `places-<programmeId>.<unitOrgId>`: one stream per programme and subordinate unit. */
export const placesStreamId = (programmeId: string, unitOrgId: string): string => `places-${programmeId}.${unitOrgId}`;

/**
 * Who holds the unit's places in `category` at `level` for `nomineeId`: the nomination whose grant
 * named that nominee, if any, and the holders whose grants named no one (older than the field),
 * which only their own streams can tell about.
 */
export function holdersFor(
  state: PlacesState,
  category: AwardCategory,
  level: PlaceLevel,
  nomineeId: string,
): { readonly holding: string | undefined; readonly unnamed: readonly string[] } {
  const holders = state.held[key(category, level)] ?? [];
  return {
    holding: holders.find((id) => state.nominees[id] === nomineeId),
    unnamed: holders.filter((id) => state.nominees[id] === undefined),
  };
}

/** Places of the unit, category and level held by nominations other than `except`. */
export function placesHeld(state: PlacesState, category: AwardCategory, level: PlaceLevel, except?: string): number {
  return (state.held[key(category, level)] ?? []).filter((id) => id !== except).length;
}

/** The levels at which `nominationId` holds a place in `category`. */
export function levelsHeldBy(state: PlacesState, category: AwardCategory, nominationId: string): PlaceLevel[] {
  const prefix = `${category}|`;
  return Object.entries(state.held)
    .filter(([k, ids]) => k.startsWith(prefix) && ids.includes(nominationId))
    .map(([k]) => k.slice(prefix.length) as PlaceLevel);
}
