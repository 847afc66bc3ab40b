import type { StreamContext } from './streams.port';

export const WINDOW_UNIT_RECORDS = Symbol('WINDOW_UNIT_RECORDS');

/**
 * The record ids counted for each window unit, with the batch that counted each (ADR 0122). The
 * stream's events carry counts, not record ids (the records stay with the sender, and the public page
 * folds the stream), so this index beside the stream says which ids a unit has counted. It is written
 * in the transaction that appends the counting: an id is in it exactly when its counting committed.
 */
export interface CountedRecords {
  /** Of `recordIds`, those counted for the unit before, each with the batch that counted it. */
  countedBefore(orgId: string, recordIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Notes `recordIds` as counted by `batchId`; call it after the append, in the same transaction. */
  remember(orgId: string, batchId: string, recordIds: readonly string[]): Promise<void>;
}

/** The index in a transaction of its own, with the append that goes with it. */
export interface CountedRecordsTransaction extends CountedRecords {
  /** Appends expecting the version read; refuses with STREAM.CONCURRENT_CHANGE when the stream moved. */
  append(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    ctx: StreamContext,
  ): Promise<number>;
}

export interface WindowUnitRecordsPort {
  /** Runs `work` in one transaction: the ids it reads and notes and the events it appends commit together or not at all. */
  transaction<T>(work: (records: CountedRecordsTransaction) => Promise<T>): Promise<T>;
  /** The index inside a transaction already open (the county gate's, which appends the counting). */
  within(tx: unknown): CountedRecords;
}
