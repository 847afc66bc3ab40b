import type { CommendationDecision } from '@vanguard/contracts';

/** Who took a decision, in which role, for which organisation: recorded on every decision event. */
export type DecidedBy = CommendationDecision['decidedBy'];
/** A stream as a decision read it: recorded in `decision.inputs`. */
export type StreamRead = CommendationDecision['inputs'][number];

/**
 * The tree copy's version of each organisation on a path the decision checked, by id (ADR 0032):
 * passed by the handler when it has them, recorded as `organization-<id>` inputs.
 */
export type OrgVersions = Readonly<Record<string, number>>;

/** The path as read, root first, as decision inputs: `organization-<id>` at the tree copy's version (ids without one are left out). */
export function pathInputs(orgIds: readonly string[], versions: OrgVersions | undefined): StreamRead[] {
  if (!versions) return [];
  const ids = [...new Set(orgIds)];
  return ids.filter((id) => versions[id] !== undefined).map((id) => ({ streamId: `organization-${id}`, version: versions[id]! }));
}
