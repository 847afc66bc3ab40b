import { DomainError } from '@vanguard/kernel';

export const OBJECTION_FILINGS = Symbol('OBJECTION_FILINGS');

/**
 * The wait ran out: nothing was read or written, so the caller may send it again
 * (`retryAfterSec` becomes Retry-After). `behind` says what it waited for: the programme's own
 * decision (`decision`), or a connection while every one was taken (`crowd`, a matter of load).
 */
export class ObjectionFilingsBusyError extends DomainError {
  readonly retryAfterSec = 2;
  constructor(readonly behind: 'decision' | 'crowd') {
    super('OBJECTIONS.BUSY', 'conflict', '异议登记繁忙，请稍后重试 / objections are being filed or decided on; try again shortly');
  }
}

/**
 * Where a programme's objections, its notice and its decisions meet (ADR 0113). A filing reads
 * the clock and the notice and appends `during`; so does a notice's publication. A decision reads
 * its clock, the notice and the objection board and appends `alone`. So a filing (or a new notice
 * round) either committed before the decision read anything, or began after the decision was
 * recorded and is judged by a later clock: nothing judged in time commits unseen behind a decision.
 */
export interface ObjectionFilingsPort {
  /** Runs a filing or a notice's publication for the programme; many run at once. Refuses with ObjectionFilingsBusyError after its wait. */
  during<T>(programmeId: string, run: () => Promise<T>): Promise<T>;
  /** Runs a decision on the programme once nothing `during` is running, and keeps it out meanwhile. */
  alone<T>(programmeId: string, decide: () => Promise<T>): Promise<T>;
}
