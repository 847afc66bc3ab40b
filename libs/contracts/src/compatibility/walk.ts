import type { JsonSchema } from './json-schema';

/** A place where a message the source schema allows may be rejected by the target schema. */
export interface Rejection {
  readonly path: string;
  readonly change: string;
}

export interface Walk {
  readonly sourceRoot: JsonSchema;
  readonly targetRoot: JsonSchema;
  /** `$ref` pairs under comparison: a cycle meeting itself again is assumed to fit (coinduction). */
  readonly refsInProgress: Set<string>;
  /**
   * The senders are outside producers (county systems on the inbound topic): they may send any
   * key an object's schema does not forbid, so an object without `additionalProperties` is open,
   * not closed by its declared properties.
   */
  readonly openSenders: boolean;
}

/** Compares two sub-schemas; the object and union steps call back into the walk through it. */
export type Recurse = (source: unknown, target: unknown, path: string, w: Walk) => Rejection[];
