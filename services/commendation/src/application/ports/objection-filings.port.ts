import { DomainError } from '@vanguard/kernel';
import type { StreamsPort } from './streams.port';

export const OBJECTION_FILINGS = Symbol('OBJECTION_FILINGS');

/**
 * The wait ran out: nothing was read or written, so the caller may send it again
 * (`retryAfterSec` becomes Retry-After). `behind` says what it waited for: the programme's own
 * decision (`decision`), a connection while every one was taken (`crowd`, a matter of load); for a
 * decision, the filings sent before a day began that may still be on their way (`day-turn`); for a
 * filing, a lock held only past the grace of its arrival (`late-lock`: not recorded, and judged by
 * when it is sent again), or the notice or nomination it read changing under every attempt to file
 * it (`moving`: an uphold or a new round committed between its reads and its append each time,
 * ADR 0114 amended; not recorded either).
 */
export class ObjectionFilingsBusyError extends DomainError {
  constructor(
    readonly behind: 'decision' | 'crowd' | 'day-turn' | 'late-lock' | 'moving',
    readonly retryAfterSec = 2,
  ) {
    super('OBJECTIONS.BUSY', 'conflict', '异议登记繁忙，请稍后重试 / objections are being filed or decided on; try again shortly');
  }
}

/**
 * Where a programme's objections, its notice and its decisions meet (ADR 0113). A filing is judged
 * by the clock it read on arrival, and reads the notice and appends `during`; so does a notice's
 * publication. A decision reads its clock, the notice and the objection board and appends `alone`.
 * A filing runs only if it holds the lock within the grace of its arrival, and a decision only
 * when no day began within the grace before it holds the lock: so a filing sent before a notice's
 * last day ended either committed before the decision read anything or is never recorded (it is
 * told to send it again), and one that began after the decision was recorded arrived after it,
 * judged late. Nothing judged in time commits unseen behind a decision, and a filing that waited
 * behind a decision across midnight is judged by when it was sent.
 */
export interface ObjectionFilingsPort {
  /**
   * Runs a filing or a notice's publication, sent at `arrivedAt`, for the programme; many run at
   * once. Refuses with ObjectionFilingsBusyError after its wait, or once the grace since `arrivedAt` is over.
   * What `run` appends goes through the `streams` it is given: kept only if the run ends holding its lock.
   */
  during<T>(programmeId: string, arrivedAt: Date, run: (streams: StreamsPort) => Promise<T>): Promise<T>;
  /**
   * Runs a decision on the programme once nothing `during` is running, and keeps it out meanwhile;
   * refuses (`day-turn`, Retry-After the rest of it) within the grace after a day began in China.
   * What `decide` appends goes through the `streams` it is given: kept only if it ends holding its lock.
   */
  alone<T>(programmeId: string, decide: (streams: StreamsPort) => Promise<T>): Promise<T>;
}
