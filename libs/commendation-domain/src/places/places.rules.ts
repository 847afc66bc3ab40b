import { Rule } from '@vanguard/kernel';
import type { NominationStatus } from '../nomination/nomination.state';
import type { ReleasePlaces } from './places.commands';

// The grant itself is judged by the nomination's own `QuotaIsNotExceededRule` (one rule, two
// deciders, the same facts): the places stream is where the count it reads is kept.

/** Places come back only from a nomination whose status bears out why: rejected, withdrawn, or amended (under review again). */
export class PlacesAreFreedOnlyByANominationThatLeftTheLevelsRule extends Rule {
  readonly id = 'commendation.places.freed-on-leaving';
  readonly code = 'PLACES.STILL_HELD';
  readonly kind = 'conflict';
  readonly message =
    '推荐仍在该级，名额不能释放 / the nomination still holds these places; they are freed when it is rejected, withdrawn or amended';
  constructor(
    private readonly because: ReleasePlaces['data']['because'],
    private readonly status: NominationStatus,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.because === 'amended' ? this.status !== 'under_review' : this.status !== this.because;
  }
}
