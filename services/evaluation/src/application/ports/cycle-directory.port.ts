/**
 * Which campaign plans a cycle, found by the cycle's id alone: a comment names its cycle and not
 * its campaign (ADR 0138). The handler then reads that campaign's stream for the cycle's status
 * and the version it decides on; the directory only says where to look.
 */
export interface CycleDirectoryPort {
  /** The id of the campaign whose stream plans `cycleId`, or null when none does. */
  campaignOf(cycleId: string): Promise<string | null>;
}

export const CYCLE_DIRECTORY = Symbol('CYCLE_DIRECTORY');
