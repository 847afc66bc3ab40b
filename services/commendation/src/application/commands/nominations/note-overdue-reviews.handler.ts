import { Inject, Injectable } from '@nestjs/common';
import { nominationDecider } from '@vanguard/commendation-domain';
import { DomainError } from '@vanguard/kernel';
import { BOARD_QUERIES, type BoardQueriesPort } from '../../queries/board-queries.port';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { callerOrgId, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';

/**
 * 逾期: notes, once per level and round of review, each nomination of the programme (from the
 * caller's subtree) whose awaited level let its deadline pass by today. The board names the
 * candidates; each stream is read and the decider judges (one already noted, or reviewed
 * meanwhile, is skipped). Returns how many were noted.
 */
/** The board's page: its most. */
const OVERDUE_PAGE = 500;

@Injectable()
export class NoteOverdueReviewsHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(BOARD_QUERIES) private readonly board: BoardQueriesPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(programmeId: string, ctx: CommandContext): Promise<{ noted: number; skipped: number }> {
    const today = this.clock.today();
    let noted = 0;
    let skipped = 0;
    // Every page: noting changes neither a nomination's status nor its deadline, so the first page
    // alone named the same 500 on every check and the rest were never noted.
    for (let offset = 0; ; offset += OVERDUE_PAGE) {
      const overdue = await this.board.nominations(
        programmeId,
        callerOrgId(ctx),
        { status: 'under_review', overdueOn: today, limit: OVERDUE_PAGE, offset },
        today,
      );
      for (const n of overdue) {
        const { state, version, streamId } = await this.facts.nomination(n.nominationId);
        try {
          const events = nominationDecider.decide({ type: 'NoteReviewOverdue', data: { today } }, state);
          await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!));
          noted++;
        } catch (e) {
          // Noted before, reviewed meanwhile, or changed under us: the next check sees it as it is.
          if (!(e instanceof DomainError)) throw e;
          skipped++;
        }
      }
      if (overdue.length < OVERDUE_PAGE) break;
    }
    return { noted, skipped };
  }
}
