import type { z } from 'zod';

/**
 * A cross-field or set rule that JSON Schema cannot express (a zod refinement), named so
 * the compatibility guard can tell whether two schemas carry the same rule. A rule's
 * meaning is its `name@version`: change what it accepts and you bump `version`, which the
 * guard reports as breaking for the contract version that carries it.
 *
 * Each rule lives in its own `<name>.refinement.ts`, self-contained (it imports types and zod
 * only, so every helper it calls is in that file). The file's text is the rule's source: its
 * digest is committed in `compatibility/refinement-digests.lock.json`, and every digest ever
 * committed there for a `name@version` must equal the file's digest now (ADR 0012).
 */
export interface NamedRefinement<T> {
  readonly name: string;
  readonly version: number;
  /** Shown to integrators in the generated schema. */
  readonly description: string;
  /**
   * Run only on data whose fields are each valid (zod 4 would otherwise run a cross-field rule
   * after a non-aborting field failure, e.g. on a quarter `2011-Q5`). Part of the rule, so of its source.
   */
  readonly onlyWhenFieldsAreValid?: boolean;
  readonly check: (value: T, ctx: z.RefinementCtx) => void;
}

export interface RecordedRefinement {
  readonly id: string;
  readonly description: string;
  readonly source: string;
}

const named = new WeakMap<object, RecordedRefinement>();
const declared = new Map<string, RecordedRefinement[]>();

/** Every rule declared so far, by `name@version` (more than one entry: two rules share a name). */
export function declaredRefinements(): ReadonlyMap<string, readonly RecordedRefinement[]> {
  return declared;
}

/** `schema.superRefine(rule.check, params)`, remembered under the rule's name for the generated docs. */
export function refineBy<S extends z.ZodType>(schema: S, rule: NamedRefinement<z.output<S>>): S {
  if (!/^[a-z][a-z0-9-]*$/.test(rule.name) || !Number.isInteger(rule.version) || rule.version < 1) {
    throw new Error(`refinement needs a kebab-case name and a version ≥ 1: ${rule.name}@${rule.version}`);
  }
  const refined = schema.superRefine(
    rule.check,
    rule.onlyWhenFieldsAreValid ? { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 } : undefined,
  );
  const checks = refined._zod.def.checks ?? [];
  const added = checks[checks.length - 1];
  if (added) {
    const recorded = { id: `${rule.name}@${rule.version}`, description: rule.description, source: rule.check.toString() };
    named.set(added, recorded);
    const same = declared.get(recorded.id) ?? [];
    if (!same.some((r) => r.source === recorded.source)) declared.set(recorded.id, [...same, recorded]);
  }
  return refined;
}

/**
 * The refinements of one zod node; an unnamed one (a bare `.refine`) is reported as `unnamed`,
 * and a transform, which can change or refuse a message invisibly to JSON Schema, as
 * `unnamed-transform`: contracts carry neither (the contracts test refuses them).
 */
export function refinementsOf(schema: z.core.$ZodType): RecordedRefinement[] {
  const def = schema._zod.def as { type?: string; out?: z.core.$ZodType };
  const checks = schema._zod.def.checks ?? [];
  const out = checks
    .filter((c) => (c._zod.def as { check?: string }).check === 'custom')
    .map((c) => named.get(c) ?? { id: 'unnamed', description: 'a refinement not declared with refineBy', source: '' });
  if (def.type === 'transform' || (def.type === 'pipe' && (def.out?._zod.def as { type?: string } | undefined)?.type === 'transform')) {
    out.push({ id: 'unnamed-transform', description: 'a transform, which JSON Schema cannot describe', source: '' });
  }
  return out;
}
