import { OrganizationState } from '@vanguard/contracts';
import type { FollowedDecision } from './county-decision-check';

// Where an organisation sits is all `follow` reads of its state.
export const placeShape = OrganizationState.schema.pick({ orgId: true, path: true });

/** Held decisions kept at most (ADR 0108): the oldest is dropped, with a warning, beyond it. */
export const HELD_DECISIONS_LIMIT = 10_000;

/** What `follow` keeps of one organisation: whether it is the county's, as of which state version. */
export interface KnownOrganization {
  readonly ours: boolean;
  /** The state record's streamVersion: the organisation's row version, which every change and every move above it raises (ADR 0112). */
  readonly version: number;
}

/**
 * A genuine but older state record (ADR 0111): organisation signed it once, and anyone able to
 * write the state topic could copy it there again to put an organisation back where it was. A
 * lapsed publisher's last batch landing after its successor's comes out the same (ADR 0029), and
 * is rightly passed over too.
 */
export class StaleState {
  constructor(
    readonly orgId: string,
    readonly version: number,
    readonly known: number,
  ) {}

  get reason(): string {
    return `组织 ${this.orgId} 的状态版本 ${this.version} 早于已采用的版本 ${this.known}，不予采用（迟到或被重新写入的旧状态）`;
  }
}

/**
 * What a state directory kept: `places` (organizations.json, whether each is ours, as every
 * version of `follow` wrote it) and `versions` (organization-versions.json, ADR 0111; a separate
 * file, so an older `follow` started on the same directory still reads yes or no). An organisation
 * without a version is at 0, which any state record supersedes. Entries of another shape (a
 * hand-edited file) are left out, as a document that cannot be read is taken as empty.
 */
export function knownOrganizations(places: unknown, versions: unknown): Map<string, KnownOrganization> {
  const byId = (doc: unknown): [string, unknown][] => (doc && typeof doc === 'object' && !Array.isArray(doc) ? Object.entries(doc) : []);
  const version = new Map(byId(versions).filter((e): e is [string, number] => Number.isSafeInteger(e[1]) && (e[1] as number) >= 0));
  return new Map(
    byId(places)
      .filter((e): e is [string, boolean] => typeof e[1] === 'boolean')
      .map(([orgId, ours]) => [orgId, { ours, version: version.get(orgId) ?? 0 }]),
  );
}

/**
 * Which organisations are the county's: pure, fed with organisation state records. An
 * organisation is the county's when the county organisation is on its path; a state record that
 * moves it elsewhere removes it, and one older than the state already taken is refused. Decisions
 * about an organisation not (yet) known are held until its state arrives (the state and events
 * topics are read side by side, not in one order); the held ones are part of what `follow` keeps
 * between runs, since their offsets are committed.
 */
export class CountyOrganizations {
  private readonly held: FollowedDecision[];
  private readonly limit: number;
  private readonly onDropped: (d: FollowedDecision) => void;
  private changes = 0;

  constructor(
    readonly countyOrgId: string,
    private readonly known: Map<string, KnownOrganization> = new Map(),
    options: { held?: readonly FollowedDecision[]; limit?: number; onDropped?: (d: FollowedDecision) => void } = {},
  ) {
    this.held = [...(options.held ?? [])];
    this.limit = options.limit ?? HELD_DECISIONS_LIMIT;
    this.onDropped = options.onDropped ?? (() => undefined);
  }

  /** Grows whenever what must be kept between runs (known organisations, held decisions) changed. */
  get revision(): number {
    return this.changes;
  }

  /**
   * Applies one OrganizationState's data (anything else is no state) at its `version`; returns the
   * held decisions it releases, or StaleState, changing nothing, when a newer state was taken.
   * The same version again is the same record delivered again (a batch read again after a
   * restart): taken, changing nothing.
   */
  applyState(data: unknown, version: number): FollowedDecision[] | StaleState {
    const place = placeShape.safeParse(data);
    if (!place.success) return [];
    const { orgId, path } = place.data;
    const before = this.known.get(orgId);
    if (before && version < before.version) return new StaleState(orgId, version, before.version);
    const ours = orgId === this.countyOrgId || path.includes(this.countyOrgId);
    this.known.set(orgId, { ours, version });
    const released = this.held.filter((d) => d.orgId === orgId);
    if (released.length > 0) this.held.splice(0, this.held.length, ...this.held.filter((d) => d.orgId !== orgId));
    this.changes++;
    return ours ? released : [];
  }

  /** The decision if it is the county's, `undefined` if not or not yet known (then held). */
  admit(d: FollowedDecision): FollowedDecision | undefined {
    if (d.orgId === this.countyOrgId) return d;
    const known = this.known.get(d.orgId);
    if (known !== undefined) return known.ours ? d : undefined;
    // A batch read again after a crash brings the same decision twice.
    if (this.held.some((h) => h.eventId === d.eventId)) return undefined;
    this.held.push(d);
    if (this.held.length > this.limit) this.onDropped(this.held.shift()!);
    this.changes++;
    return undefined;
  }

  /** Whether each known organisation is ours (organizations.json). */
  snapshot(): Record<string, boolean> {
    return Object.fromEntries([...this.known].map(([orgId, k]) => [orgId, k.ours]));
  }

  /** The state version taken for each (organization-versions.json). */
  versions(): Record<string, number> {
    return Object.fromEntries([...this.known].map(([orgId, k]) => [orgId, k.version]));
  }

  /** The decisions held, oldest first. */
  heldDecisions(): readonly FollowedDecision[] {
    return [...this.held];
  }
}
