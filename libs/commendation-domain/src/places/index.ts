export * from './places.commands';
export * from './places.events';
export * from './places.rules';
export {
  initialState as initialPlacesState,
  evolve as evolvePlaces,
  placesStreamId,
  placesHeld,
  holdersFor,
  levelsHeldBy,
  PLACES_FOLD_VERSION,
  type PlacesState,
} from './places.state';
export { placesDecider } from './places.decide';
