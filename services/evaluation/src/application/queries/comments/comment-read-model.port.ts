import type { Decision } from '@vanguard/contracts';

export const COMMENT_READ_MODEL = Symbol('COMMENT_READ_MODEL');

/**
 * Where a rectification stands on a given day: `open` before its deadline, `overdue` past it
 * undone, `done_on_time` or `done_late` once confirmed.
 */
export type RectificationStatus = 'open' | 'overdue' | 'done_on_time' | 'done_late';
export const RECTIFICATION_STATUSES: readonly RectificationStatus[] = ['open', 'overdue', 'done_on_time', 'done_late'];

export interface RectificationView {
  readonly findingId: string;
  readonly commentId: string;
  readonly orgId: string;
  readonly problem: string;
  readonly rectification: string;
  readonly deadline: string;
  readonly status: RectificationStatus;
  readonly completedOn: string | null;
  /** The day the overdue check marked it, if it did. */
  readonly markedOverdueOn: string | null;
  /** The mass-evaluation window whose problems it came from (ADR 0031); null for a leader's comment. */
  readonly windowId: string | null;
}

export interface CommentView {
  readonly commentId: string;
  readonly orgId: string;
  readonly cycleId: string | null;
  readonly form: string;
  readonly madeOn: string;
  readonly summary: string;
  readonly decision: Decision;
  readonly findings: readonly RectificationView[];
  /** The stream version this view reflects. */
  readonly version: number;
  /** Set when a mass evaluation's problems opened the stream (form `mass_evaluation`): the window, and the member it rated. */
  readonly windowId: string | null;
  readonly memberId: string | null;
  /** Set when an inspection's findings at a unit opened the stream (form `inspection`, ADR 0038). */
  readonly inspectionId: string | null;
  /** Set when a monthly review round's findings at a unit opened the stream (form `monthly_review`, ADR 0047). */
  readonly roundId: string | null;
}

/** 整改台账 of a subtree on a day. */
export interface RectificationSummary {
  readonly subtreeOf: string;
  readonly asOf: string;
  readonly total: number;
  readonly open: number;
  readonly overdue: number;
  readonly doneOnTime: number;
  readonly doneLate: number;
}

/** Every query takes `today` (China time, from the injected clock): overdue is judged against it. */
export interface CommentReadModelPort {
  comment(commentId: string, today: string): Promise<CommentView | null>;
  comments(q: {
    subtreeOf: string;
    cycleId?: string;
    limit: number;
    offset: number;
    today: string;
  }): Promise<{ items: CommentView[]; total: number }>;
  rectifications(q: {
    subtreeOf: string;
    status?: RectificationStatus;
    limit: number;
    offset: number;
    today: string;
  }): Promise<{ items: RectificationView[]; total: number }>;
  summary(q: { subtreeOf: string; today: string }): Promise<RectificationSummary>;
  /** Comments in the subtree with an undone rectification past its deadline and not yet marked. */
  dueForOverdueCheck(q: { subtreeOf: string; today: string }): Promise<string[]>;
}
