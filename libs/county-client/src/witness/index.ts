export { AuditWitnessApi, type WitnessLogApi } from './audit-witness-api';
export { CheckpointWitness, type AddCheckpoint, type WitnessAnswer, type WitnessRefusalCode } from './checkpoint-witness';
export { LOG_VKEY_VARIABLE, runWitness, witnessCheckpoint, witnessCommand, witnessFromEnv, type RunWitnessOptions } from './run-witness';
export { WitnessStateFile, type WitnessStateStore, type WitnessedHead } from './witness-state-file';
