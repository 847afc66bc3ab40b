import { WitnessCosignatures1764500000000 } from './1764500000000-witness-cosignatures.migration';
import { CheckpointOutbox1764800000063 } from './1764800000063-checkpoint-outbox.migration';
import { CosignaturesKeptPerWitnessKey1764900000101 } from './1764900000101-cosignatures-kept-per-witness-key.migration';

/** Audit's own tables, run by the admin in this order (`npm run migrate`). */
export const auditMigrations = [
  WitnessCosignatures1764500000000,
  CheckpointOutbox1764800000063,
  CosignaturesKeptPerWitnessKey1764900000101,
];
