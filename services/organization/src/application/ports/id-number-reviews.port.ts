export const ID_NUMBER_REVIEWS = Symbol('IdNumberReviews');

/** What the organisation department above an importing user reviews (ADR 0011). */
export interface IdNumberReviewItems {
  readonly flags: readonly {
    readonly actorSub: string;
    readonly actorOrgId: string | null;
    readonly reviewOrgId: string | null;
    readonly jobs: number;
    readonly idNumbers: number;
    /** Rows held for review in the window when the flag was raised (ADR 0126). */
    readonly held: number;
    readonly flaggedAt: string;
  }[];
  readonly holds: readonly {
    readonly jobId: string;
    readonly row: number;
    readonly orgId: string;
    readonly existingMemberId: string;
    readonly reviewOrgId: string;
    readonly actorSub: string;
    readonly heldAt: string;
  }[];
}

export interface IdNumberReviews {
  /** Items addressed to `orgId` or an organisation below it, latest first. */
  for(orgId: string): Promise<IdNumberReviewItems>;
}
