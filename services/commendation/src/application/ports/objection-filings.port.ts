export const OBJECTION_FILINGS = Symbol('OBJECTION_FILINGS');

/**
 * Where an objection's filing and a decision meet (ADR 0113). A filing reads the clock and the
 * notice and appends inside `during`; a decision, having read its clock, passes `settled` before
 * it reads the objection board. So every filing of the programme is either committed before the
 * board is read, or began after the decision's clock read and is judged by a later clock: a
 * filing judged in time can no longer commit unseen behind a decision.
 */
export interface ObjectionFilingsPort {
  /** Runs one filing of the programme's objections; many run at once. */
  during<T>(programmeId: string, file: () => Promise<T>): Promise<T>;
  /** Resolves once no filing of the programme that had begun is still running. */
  settled(programmeId: string): Promise<void>;
}
