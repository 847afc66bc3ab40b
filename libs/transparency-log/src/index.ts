export { CompactRange, type CompactRangeState } from './tree/compact-range';
export { EMPTY_ROOT, HASH_SIZE, decodeBase64Strict, leafHash, nodeHash, sha256 } from './tree/hashing';
export { MerkleTree } from './tree/merkle-tree';
export { verifyConsistency, verifyInclusion, type ProofCheck, type ProofFailure } from './tree/proof-verify';
export { NoteError, NoteSigner, NoteVerifier, noteKeyId, openNote, signNote, type OpenedNote } from './note/signed-note';
export {
  CheckpointError,
  formatCheckpointBody,
  openCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
  STREAMS_EXTENSION,
  type CheckpointBody,
  type OpenedCheckpoint,
} from './note/checkpoint';
export { TRAIL_EXTENSION, formatTrailLine, trailOf } from './note/trail-extension';
export { openPublishedCheckpoint, type PublishedCheckpointFields } from './note/published-checkpoint';
export {
  DEVELOPMENT_LOG_ORIGIN,
  LOG_SIGNING_KEY_VARIABLE,
  developmentLogSigner,
  generateLogKey,
  isDevelopmentLogKey,
  logKeyProblems,
  logSignerFromEnv,
} from './note/log-keys';
export { StreamMap, streamHeadText, verifyStreamProof, type MapLeafProof, type StreamHead, type StreamProof } from './map/stream-map';
export {
  TransparencyLog,
  chainHash,
  eventPosition,
  GENESIS_HASH,
  KEPT_STREAM_MAPS,
  type LogCommitment,
  type LogEvent,
  type SignedCheckpoint,
  type StreamHeadAt,
} from './log/transparency-log';
export { bundleStream } from './bundle/bundle-from-log';
export { EvidenceBundleWriter, type BundleEvent, type BundleHeader, type BundleStream } from './bundle/bundle-writer';
export { verifyBundle, verifyTar, type BundleReport, type VerifyBundleOptions } from './bundle/bundle-verifier';
export { BundleError, type BundleErrorCode } from './bundle/bundle-error';
export { type HeldCheckpoint } from './bundle/bundle-earlier';
export { BUNDLE_FORMAT, LOG_BUNDLE_FORMAT } from './bundle/bundle-layout';
export { EvidenceLogWriter, LOG_CHUNK_BYTES } from './bundle/bundle-log-writer';
export {
  COSIGNATURE_ALGORITHM,
  CosignatureSigner,
  CosignatureVerifier,
  cosignatureKeyId,
  cosignatureMessage,
  parseCosignatureLine,
  splitNote,
  verifiedCosignatures,
  type CosignatureLine,
} from './note/cosignature';
export {
  DEVELOPMENT_WITNESSES,
  DEVELOPMENT_WITNESS_QUORUM,
  WITNESS_KEY_VARIABLE,
  WITNESS_KEYS_VARIABLE,
  WITNESS_QUORUM_VARIABLE,
  developmentWitnessSigner,
  generateWitnessKey,
  isDevelopmentWitnessKey,
  witnessKeyProblems,
  witnessPolicyFromEnv,
  witnessSignerFromEnv,
  type WitnessPolicy,
} from './note/witness-keys';
export { ProvenNodes } from './tree/proven-nodes';
