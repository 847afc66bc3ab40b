/**
 * How long a suite waits for its events to reach the log: the log reads only below the oldest
 * transaction open anywhere on the server (the store's safe horizon), so another lane's long
 * transaction holds them back for a while, never for good. A clean-clone run that asked at once
 * read a log of size 0 after nine appends. A ceiling, not an expectation: a sampler of a whole
 * clean-clone run saw no write transaction open longer than 5 s.
 */
export const PAST_THE_HORIZON = { timeoutMs: 120_000, intervalMs: 200 } as const;

/**
 * The per-test timeout of a file that waits on the horizon (`jest.setTimeout` at its top): a test
 * may wait twice, and Jest's minute would cut a wait short with a message that says less than its own.
 */
export const HORIZON_TEST_TIMEOUT = 300_000;
