import type { CommendationConfig } from '../commendation.config';
import { calendarFeature } from './calendar.feature';
import { eligibilityFeature } from './eligibility.feature';
import type { CommendationFeature } from './feature';
import { nominationsFeature } from './nominations.feature';
import { publicNoticeFeature } from './public-notice.feature';
import { relayFeature } from './relay.feature';

const factories = [relayFeature, eligibilityFeature, calendarFeature, nominationsFeature, publicNoticeFeature];

/** Every feature's controllers and providers, for the composition root. */
export function commendationFeatures(config: CommendationConfig): Required<CommendationFeature> {
  const features = factories.map((factory) => factory(config));
  return {
    controllers: features.flatMap((f) => f.controllers ?? []),
    providers: features.flatMap((f) => f.providers ?? []),
  };
}
