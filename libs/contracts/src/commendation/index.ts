import { nominationContracts } from './nomination.contracts';
import { noticeContracts } from './notice.contracts';
import { objectionContracts } from './objection.contracts';
import { placesContracts } from './places.contracts';
import { programmeContracts } from './programme.contracts';

/** Every commendation event, on `vanguard.commendation.events.v1`, keyed by stream. */
export const commendationContracts = [
  ...programmeContracts,
  ...nominationContracts,
  ...noticeContracts,
  ...objectionContracts,
  ...placesContracts,
] as const;
