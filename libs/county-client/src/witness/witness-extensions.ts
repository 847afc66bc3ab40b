import { CheckpointError, parseCheckpointBody, trailOf, type CheckpointBody } from '@vanguard/transparency-log';
import type { WitnessRefusalCode } from './checkpoint-witness';

/**
 * What the two Vanguard extension lines of a checkpoint may do between the head a witness kept
 * and a new checkpoint of the same log, beside the tree itself (which the witness proves):
 * - the stream map (`vanguard-streams/v1`) is a function of the log's entries, so at one tree
 *   size it is one map: another map at the kept size is a second history of the streams;
 * - the auditors' trail (`vanguard-trail/v1`, ADR 0077) grows on its own, also while the store's
 *   tree does not: it may stay or grow, but a smaller trail, another root at the kept trail size,
 *   or no trail line after one was seen would erase or rewrite who looked at the decisions.
 * That the trail grew consistently is not proven here: the witness API carries one consistency
 * proof, the store's, so a trail rewritten and regrown past the kept size still gets through.
 */
export function extensionConflict(
  keptCheckpoint: string | undefined,
  next: CheckpointBody,
): { readonly code: WitnessRefusalCode; readonly reason: string } | undefined {
  let nextTrail;
  try {
    nextTrail = trailOf(next);
  } catch (e) {
    // Checked whatever was kept, the first time too: a malformed line cosigned once would later constrain nothing.
    if (e instanceof CheckpointError) return { code: 'WITNESS.BAD_CHECKPOINT', reason: e.message };
    throw e;
  }
  const kept = keptCheckpoint === undefined ? undefined : bodyOf(keptCheckpoint);
  if (!kept) return undefined;
  if (next.size === kept.size && !sameStreams(kept, next))
    return {
      code: 'WITNESS.FORK',
      reason: `分叉 / fork: at size ${kept.size} this witness saw the stream map ${streamsText(kept)}; the checkpoint has ${streamsText(next)}`,
    };
  const keptTrail = trailOrUnknown(kept);
  if (!keptTrail) return undefined;
  if (!nextTrail)
    return {
      code: 'WITNESS.ROLLBACK',
      reason: `回滚 / rollback: this witness saw an auditors' trail of ${keptTrail.size}; the checkpoint has none`,
    };
  if (nextTrail.size < keptTrail.size)
    return {
      code: 'WITNESS.ROLLBACK',
      reason: `回滚 / rollback: this witness saw an auditors' trail of ${keptTrail.size} entries; the checkpoint's has only ${nextTrail.size}`,
    };
  if (nextTrail.size === keptTrail.size && !nextTrail.root.equals(keptTrail.root))
    return {
      code: 'WITNESS.FORK',
      reason: `分叉 / fork: at trail size ${keptTrail.size} this witness saw trail root ${keptTrail.root.toString('base64')}; the checkpoint has ${nextTrail.root.toString('base64')}`,
    };
  return undefined;
}

/** The kept checkpoint's body; one kept before these checks that no longer parses constrains nothing. */
function bodyOf(signed: string): CheckpointBody | undefined {
  try {
    return parseCheckpointBody(signed.slice(0, signed.lastIndexOf('\n\n') + 1));
  } catch (e) {
    if (e instanceof CheckpointError) return undefined;
    throw e;
  }
}

function trailOrUnknown(body: CheckpointBody) {
  try {
    return trailOf(body);
  } catch (e) {
    if (e instanceof CheckpointError) return undefined;
    throw e;
  }
}

const sameStreams = (a: CheckpointBody, b: CheckpointBody) =>
  a.streams === undefined
    ? b.streams === undefined
    : b.streams !== undefined && a.streams.count === b.streams.count && a.streams.root.equals(b.streams.root);

const streamsText = (b: CheckpointBody) => (b.streams ? `${b.streams.count} ${b.streams.root.toString('base64')}` : 'none');
