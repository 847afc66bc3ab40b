export { canonicalJson } from './canonical-json';
export {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventError,
  EventStoreError,
  InvalidEventError,
  InvalidStreamIdError,
  StaleTransactionError,
  SubjectForgottenError,
  type ExpectedVersion,
} from './errors';
export {
  PostgresEventStore,
  type AppendOptions,
  type EventStoreOptions,
  type FoldOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  type VerifyOptions,
} from './event-store';
export { checkAnchor, takeAnchor, type AnchorCheck, type StoreAnchor } from './anchor';
export { chainHash, GENESIS_HASH } from './hash-chain';
export { failureKind, GroupCommitter, type GroupCommitOptions } from './group-commit';
export { backendPid, endBackend } from './group-writes';
export { HeldBackPause } from './held-back';
export { isForgotten, personal, FORGOTTEN_KEY, type ForgottenValue } from './personal-data';
export {
  fileForgetLedger,
  formatForgetLedgerEntry,
  parseForgetLedger,
  reapplyForgets,
  type ForgetLedger,
  type ForgetLedgerEntry,
  type ReapplyReport,
} from './forget-ledger';
export { rotatePersonalKeys, SubjectKeyRaceError, type PersonalKeyRotation } from './personal-keys';
export { migrate, migrationSql, storeChannel } from './schema';
export { createReadOnlyRole, createServiceRole, type RoleOptions } from './roles';
export { MigrationHistoryError } from './migration-runner';
export { PgListener, type PgListenerOptions } from './pg-listener';
export { parseStreamId, streamId, type StreamName } from './stream-id';
export { saveCheckpointSql, Subscription, type SubscriptionOptions } from './subscription';
export * from './projections';
export { AdvisoryLease, DEFAULT_LEASE_TIMEOUT_MS, LeaseLostError } from './advisory-lease';
export { namedStatement, type NamedStatement } from './named-statement';
export { rebaseAfterRestore, type RebaseReport } from './restore';
export * from './types';
export { Upcasters, type Upcaster } from './upcasters';
export { snapshotDue, snapshotUsable, type StoredSnapshot } from './snapshots';
export * from './decider-streams';
export type { StreamAppend, StreamRead } from './append-together';
