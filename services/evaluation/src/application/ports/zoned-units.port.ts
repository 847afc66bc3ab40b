export const ZONED_UNITS = Symbol('ZONED_UNITS');

/** 划分片区 divides a campaign: what a designation needs to keep each unit in one zone. */
export interface ZonedUnitsPort {
  /**
   * Runs `work` while no other designation of the campaign runs, in this replica or another, so
   * what `heldByZones` answered is still true when `work` appends.
   */
  exclusively<T>(campaignId: string, work: () => Promise<T>): Promise<T>;
  /** Which of `units` a zone of the campaign holds already, as the store holds it now (not a projection). */
  heldByZones(campaignId: string, units: readonly string[]): Promise<string[]>;
}
