export const EVIDENCE_SOURCES = Symbol('EVIDENCE_SOURCES');

/**
 * One fact about a member, already recorded elsewhere, offered to the democratic review
 * (民主评议) so nobody types it twice. It links to the stream and version it was read from,
 * which the conclusion records as an input.
 */
export interface EvidenceItem {
  /** The source that found it, e.g. `pledge`. */
  readonly source: string;
  /** What the fact is, e.g. `pledge.fulfilled`, `pledge.lapsed`. */
  readonly kind: string;
  readonly streamId: string;
  readonly version: number;
  /** The day the fact is about (a due date, a closing day), YYYY-MM-DD. */
  readonly on: string;
  /** A line a reviewer reads, in the words recorded (the pledge's content, …). */
  readonly summary: string;
  /** The figures behind it (status, percent, satisfaction ‰, …). */
  readonly facts: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * Where evidence comes from, one source per kind of fact: pledges, rectifications (leader
 * comments', mass evaluations' and inspections' findings), mass ratings, training; assistance deeds
 * and visits add one each when their slices land (register it in the reviews feature's list).
 */
export interface EvidenceSource {
  readonly name: string;
  /** The member's facts of the calendar year, oldest first. */
  collect(q: { memberId: string; orgId: string; year: number }): Promise<EvidenceItem[]>;
}
