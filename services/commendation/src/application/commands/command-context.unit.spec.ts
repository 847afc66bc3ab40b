import { nominationDecider } from '@vanguard/commendation-domain';
import type { BoardQueriesPort } from '../queries/board-queries.port';
import { callerOrgId, OutOfScopeError, type CommandContext } from './command-context';
import { NoteOverdueReviewsHandler } from './nominations/note-overdue-reviews.handler';

const ctx = (orgId: string | undefined): CommandContext => ({
  caller: { sub: 's', roles: ['organizer'], orgId, kind: 'user' },
  correlationId: 'c',
});

describe(callerOrgId.name, () => {
  it('WhenTheTokenNamesNoOrganisation_IsOutOfEveryScope', () => {
    expect(() => callerOrgId(ctx(undefined))).toThrow(OutOfScopeError);
    expect(callerOrgId(ctx('00000000-0000-4000-8000-000000910425'))).toBe('00000000-0000-4000-8000-000000910425');
  });

  it('WhenAnOrganiserWithoutOrganisationChecksOverdueReviews_NothingIsRead', async () => {
    let reads = 0;
    const board = { nominations: () => (reads++, Promise.resolve([])) } as unknown as BoardQueriesPort;
    const sut = new NoteOverdueReviewsHandler({} as never, { today: () => '2011-06-01', now: () => new Date() }, board, {} as never);
    await expect(sut.execute('p-1', ctx(undefined))).rejects.toThrow(OutOfScopeError);
    expect(reads).toBe(0);
  });

  it('WhenMoreThanAPageIsOverdue_EveryPageIsJudged', async () => {
    const candidates = Array.from({ length: 1_234 }, (_, i) => ({ nominationId: `n-${i}` }));
    const board = {
      nominations: (_p: string, _o: string, q: { limit: number; offset: number }) =>
        Promise.resolve(candidates.slice(q.offset, q.offset + q.limit)),
    } as unknown as BoardQueriesPort;
    const judged: string[] = [];
    // A nomination not under review: the decider refuses to note it, so each is skipped, once.
    const facts = {
      nomination: (id: string) => (
        judged.push(id),
        Promise.resolve({ state: nominationDecider.initialState, version: 0, streamId: `nomination-${id}` })
      ),
    };
    const sut = new NoteOverdueReviewsHandler({} as never, { today: () => '2011-06-01', now: () => new Date() }, board, facts as never);
    expect(await sut.execute('p-1', ctx('00000000-0000-4000-8000-000000910425'))).toEqual({ noted: 0, skipped: 1_234 });
    expect(new Set(judged).size).toBe(1_234);
  });
});
