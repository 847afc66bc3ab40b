import type { Decision } from '@vanguard/contracts';

type Input = Decision['inputs'][number];

/** One organisation on a path as a handler read it from the tree copy: its id and the copy's version of it. */
export interface PathNode {
  readonly orgId: string;
  readonly version: number;
}

/**
 * Where an organisation sat in the tree when a decision checked it: ids from the root down to
 * it, each at the version the tree copy held (the organisation's own event-stream version).
 * Scope rules compare ids; the decision records the whole chain among its inputs, so a replay
 * after a merge or a move checks against the tree as it was, not as it is (issue 10).
 */
export type OrgPath = readonly PathNode[];

const PREFIX = 'organization-';

/**
 * Room a decision keeps among its at most 100 inputs for the path it records: province to
 * branch is 5–7 levels, so 16 leaves a margin for deeper trees without crowding other inputs.
 */
export const MAX_RECORDED_PATH = 16;

/** The ids of a path, root first: what scope rules compare. */
export const idsOf = (path: OrgPath): string[] => path.map((n) => n.orgId);

/** A path as decision inputs: `organization-<id>` at its version, root first. */
export const pathInputs = (path: OrgPath): Input[] => path.map((n) => ({ streamId: `${PREFIX}${n.orgId}`, version: n.version }));

/** The path a decision recorded among its inputs, root first; empty when it recorded none (decisions before paths were). */
export const pathFromInputs = (inputs: readonly Input[]): OrgPath =>
  inputs.filter((i) => i.streamId.startsWith(PREFIX)).map((i) => ({ orgId: i.streamId.slice(PREFIX.length), version: i.version }));

/** Whether an input is part of a recorded organisation path. */
export const isPathInput = (input: Input): boolean => input.streamId.startsWith(PREFIX);

/** A path whose versions are unknown (version 0): for specs and for replaying decisions recorded before paths were. */
export const pathAtVersionZero = (ids: readonly string[]): OrgPath => ids.map((orgId) => ({ orgId, version: 0 }));
