/**
 * How long a suite waits for its events to reach the log: the log reads only below the oldest
 * transaction open anywhere on the server (the store's safe horizon), so another lane's long
 * transaction holds them back for a while, never for good. A clean-clone run that asked at once
 * read a log of size 0 after nine appends. Within Jest's minute per test, with room for the rest.
 */
export const PAST_THE_HORIZON = { timeoutMs: 45_000, intervalMs: 200 } as const;
