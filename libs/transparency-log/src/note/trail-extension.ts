import { decodeBase64Strict, HASH_SIZE } from '../tree/hashing';
import type { LogCommitment } from '../log/transparency-log';
import { CheckpointError, type CheckpointBody } from './checkpoint';

/**
 * The auditors' trail committed in a store's checkpoint (ADR 0077): one C2SP extension line,
 * `vanguard-trail/v1 <size> <base64 root> <streams> <base64 stream-map root>`, the trail log's
 * RFC 9162 tree and its stream map (one stream per auditor) as of the signature. Signed with the
 * store's tree, so the note that proves the decisions also fixes the trail of who looked at them;
 * readers that do not know the line (witnesses, older verifiers) keep it among `extensions`.
 */
export const TRAIL_EXTENSION = 'vanguard-trail/v1';
const DECIMAL = /^(0|[1-9][0-9]*)$/;

export function formatTrailLine(trail: LogCommitment): string {
  return `${TRAIL_EXTENSION} ${trail.size} ${trail.root.toString('base64')} ${trail.streams.count} ${trail.streams.root.toString('base64')}`;
}

/** The trail commitment a checkpoint body carries, if any; a malformed or repeated line is refused. */
export function trailOf(body: CheckpointBody): LogCommitment | undefined {
  const lines = (body.extensions ?? []).filter((l) => l.startsWith(`${TRAIL_EXTENSION} `));
  if (lines.length === 0) return undefined;
  const [sizeText, rootText, countText, mapRootText, ...more] = lines[0]!.split(' ').slice(1);
  const root = decodeBase64Strict(rootText ?? '');
  const mapRoot = decodeBase64Strict(mapRootText ?? '');
  const decimal = (t: string | undefined) => DECIMAL.test(t ?? '') && Number.isSafeInteger(Number(t));
  if (
    lines.length > 1 ||
    more.length > 0 ||
    !decimal(sizeText) ||
    !decimal(countText) ||
    root?.length !== HASH_SIZE ||
    mapRoot?.length !== HASH_SIZE
  )
    throw new CheckpointError(`malformed ${TRAIL_EXTENSION} line`);
  return { size: Number(sizeText), root, streams: { count: Number(countText), root: mapRoot } };
}
