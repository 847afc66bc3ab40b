export const TRACKING_CODES = Symbol('TRACKING_CODES');

/** Issues an objection's tracking code, `XXXX-XXXX-XXXX`; injected so tests can name theirs. */
export interface TrackingCodesPort {
  next(): string;
}
