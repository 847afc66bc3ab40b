import type { StreamsPort } from './streams.port';

export const ZONED_UNITS = Symbol('ZONED_UNITS');

/** An append that commits only while the campaign's designation lock is still held. */
export type LockedAppend = StreamsPort['append'];

/** 划分片区 divides a campaign: what a designation needs to keep each unit in one zone. */
export interface ZonedUnitsPort {
  /**
   * Runs `work` while no other designation of the campaign runs, in this replica or another, so
   * what `heldByZones` answered is still true when `work` appends — through the `append` it is
   * given, which fails rather than commit once the lock is lost.
   */
  exclusively<T>(campaignId: string, work: (append: LockedAppend) => Promise<T>): Promise<T>;
  /** Which of `units` a zone of the campaign holds already, as the store holds it now (not a projection). */
  heldByZones(campaignId: string, units: readonly string[]): Promise<string[]>;
}
