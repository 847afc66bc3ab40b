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
});
