import type { OrgTier } from '@vanguard/evaluation-domain';

export const ASSESSMENT_READ_MODEL = Symbol('ASSESSMENT_READ_MODEL');

export interface AssessmentView {
  readonly orgId: string;
  readonly period: string;
  readonly scores: { leadership: number; membership: number; mechanism: number; performance: number; reputation: number };
  readonly total: number;
  readonly tier: OrgTier;
  readonly starRating: number;
  readonly rule: { readonly id: string; readonly version: number };
  /** The tier of the organisation's previous assessment, null for its first. */
  readonly previousTier: OrgTier | null;
  /** The stream version of the assessment event. */
  readonly version: number;
}

export interface TierChangeView {
  readonly orgId: string;
  readonly period: string;
  readonly from: OrgTier;
  readonly to: OrgTier;
  readonly direction: 'up' | 'down';
}

/** 晋档升级 of a subtree in a period: how many moved up and down, and who. */
export interface TierChangeReport {
  readonly subtreeOf: string;
  readonly period: string;
  readonly assessed: number;
  readonly up: number;
  readonly down: number;
  readonly byTier: Readonly<Record<OrgTier, number>>;
  readonly changes: readonly TierChangeView[];
}

export interface AssessmentReadModelPort {
  ofOrganization(orgId: string): Promise<AssessmentView[]>;
  list(q: { subtreeOf: string; period: string; limit: number; offset: number }): Promise<{ items: AssessmentView[]; total: number }>;
  tierChanges(q: { subtreeOf: string; period: string }): Promise<TierChangeReport>;
}
