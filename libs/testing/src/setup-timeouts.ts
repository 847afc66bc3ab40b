// Suites that talk to the real parts wait on them (a broker rebalance, a token); a
// minute is the ceiling, not the expectation.
jest.setTimeout(60_000);
