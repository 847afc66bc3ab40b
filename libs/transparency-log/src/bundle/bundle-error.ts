/**
 * What `vanguard-verify` reports. Every check names its code and, where it can, the bundle
 * entry, so an auditor learns which byte range is wrong and why, not only that something is.
 */
export type BundleErrorCode =
  | 'GZIP_HEADER' // the first 10 bytes differ from what the writer always writes
  | 'GZIP_DATA' // a block header other than the writer's, a CRC-32 or length that does not match, or the file cut short
  | 'GZIP_TRAILING' // bytes after the gzip member
  | 'TAR_HEADER' // an entry header differs from the only header the writer makes for its name and size
  | 'TAR_PADDING' // non-zero bytes where the archive pads to 512
  | 'TAR_END' // the archive does not end with exactly two zero blocks
  | 'ENTRY_UNEXPECTED' // an entry out of the bundle's order, or missing
  | 'ENTRY_TOO_LARGE'
  | 'JSON_INVALID' // a proof or manifest file is not canonical JSON of the expected shape
  | 'KEY_INVALID' // log.vkey is not a C2SP verifier key
  | 'KEY_NOT_TRUSTED' // the bundle's key is not the pinned one
  | 'DEVELOPMENT_KEY' // signed with the public development key
  | 'CHECKPOINT_INVALID' // not a well-formed checkpoint, or of another log
  | 'CHECKPOINT_SIGNATURE' // the signature does not verify
  | 'CONSISTENCY_INVALID' // an earlier checkpoint (or one the auditor holds) is not a prefix of the bundle's checkpoint
  | 'EARLIER_CHECKPOINT_MISSING' // a checkpoint the auditor holds is not among the bundle's, so nothing proves it a prefix
  | 'STREAM_PROOF_INVALID' // the stream's head is not in the checkpoint's stream map
  | 'EVENT_INVALID' // an event text is not JSON with streamId and streamVersion
  | 'EVENT_MISPLACED' // an event names another stream or version than its place in the bundle
  | 'INCLUSION_INVALID' // an event's inclusion proof does not lead to the checkpoint's root
  | 'CHAIN_MISMATCH' // the events' hash chain does not end at the head the map commits to
  | 'STREAM_INCOMPLETE' // fewer or more events than the head's version
  | 'LOG_SIZE' // a whole-log bundle holds fewer or more events than its checkpoint's size
  | 'ROOT_MISMATCH' // a whole-log bundle's events make a tree whose root is not the checkpoint's
  | 'MANIFEST_MISMATCH'; // the manifest disagrees with the entries

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
    readonly entry?: string,
    /** The size of the checkpoint a checkpoint or consistency error is about, when known. */
    readonly size?: number,
  ) {
    super(entry ? `${entry}: ${message}` : message);
    this.name = 'BundleError';
  }
}
