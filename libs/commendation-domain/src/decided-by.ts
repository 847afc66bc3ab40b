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

/** A path as a decision records it in `orgPaths` (ADR 0080): whose, and each organisation with the level a rule looked at. */
export type RecordedOrgPath = NonNullable<CommendationDecision['orgPaths']>[number];

/** `orgPaths` entry for a path of ids, with levels where the command had them. */
export function recordedPath(
  of: RecordedOrgPath['of'],
  path: readonly (string | { readonly orgId: string; readonly level?: RecordedOrgPath['orgs'][number]['level'] })[],
): RecordedOrgPath {
  return { of, orgs: path.map((o) => (typeof o === 'string' ? { orgId: o } : { orgId: o.orgId, ...(o.level ? { level: o.level } : {}) })) };
}

/** The `orgPaths` of a decision: each non-empty path checked (an empty one records nothing a replay could use). */
export const recordedPaths = (...paths: [RecordedOrgPath['of'], Parameters<typeof recordedPath>[1]][]): RecordedOrgPath[] =>
  paths.filter(([, path]) => path.length > 0).map(([of, path]) => recordedPath(of, path));
