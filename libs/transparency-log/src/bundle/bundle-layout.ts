/**
 * The entries of an evidence bundle, in the order the writer writes and the verifier demands:
 *
 *   log.vkey                          the log's C2SP verifier key, one line
 *   checkpoint.txt                    the signed checkpoint everything is proven against
 *   previous/<i>/checkpoint.txt       earlier checkpoints (optional), oldest first,
 *   previous/<i>/consistency.json       each with its consistency proof to checkpoint.txt
 *   streams/<j>/stream.json           per stream, in stream-id byte order: its map proof
 *   streams/<j>/events/<v>.json         the canonical text of each event, versions 1..k
 *   streams/<j>/inclusion.json          each event's leaf index and inclusion path
 *   manifest.json                     what the bundle claims, and every entry's sha256
 *
 * A whole-log bundle (`vanguard-evidence-log/v1`, ADR 0079) has, between the earlier checkpoints
 * and the manifest, instead of streams:
 *
 *   log/<k>.ndjson                    every event's canonical text in leaf order, one per line,
 *                                       chunks 0, 1, … each ending in a newline
 *
 * JSON entries are canonical (RFC 8785), so each has exactly one spelling.
 */
export const BUNDLE_FORMAT = 'vanguard-evidence/v1';
export const KEY_ENTRY = 'log.vkey';
export const CHECKPOINT_ENTRY = 'checkpoint.txt';
export const MANIFEST_ENTRY = 'manifest.json';
export const previousCheckpointEntry = (i: number): string => `previous/${i}/checkpoint.txt`;
export const previousConsistencyEntry = (i: number): string => `previous/${i}/consistency.json`;
export const streamEntry = (j: number): string => `streams/${j}/stream.json`;
export const eventEntry = (j: number, version: number): string => `streams/${j}/events/${version}.json`;
export const inclusionEntry = (j: number): string => `streams/${j}/inclusion.json`;
export const LOG_BUNDLE_FORMAT = 'vanguard-evidence-log/v1';
export const logChunkEntry = (k: number): string => `log/${k}.ndjson`;

export interface ConsistencyFile {
  readonly from: number;
  readonly to: number;
  readonly proof: readonly string[];
}

export interface InclusionFile {
  readonly events: readonly { readonly leaf: number; readonly path: readonly string[] }[];
}

export interface Manifest {
  readonly format: string;
  readonly origin: string;
  readonly key: string;
  readonly checkpoint: { readonly size: number; readonly root: string };
  readonly previous: readonly { readonly size: number; readonly root: string }[];
  /** `events` = the head's version (0: the map proves the stream had none); `head` absent then. */
  readonly streams: readonly { readonly stream: string; readonly events: number; readonly head?: string }[];
  readonly entries: readonly { readonly name: string; readonly size: number; readonly sha256: string }[];
}

/** A whole-log bundle's manifest: no per-stream list, the log itself is the proof of every stream. */
export interface LogManifest {
  readonly format: string;
  readonly origin: string;
  readonly key: string;
  readonly checkpoint: { readonly size: number; readonly root: string };
  readonly previous: readonly { readonly size: number; readonly root: string }[];
  readonly events: number;
  readonly entries: readonly { readonly name: string; readonly size: number; readonly sha256: string }[];
}
