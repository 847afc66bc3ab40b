// Services log every request as JSON; in test output only warnings and errors help.
process.env['LOG_LEVEL'] ??= 'warn';
// Suites sharing the test schema import as the same demo users all day long; the per-user
// ID-number check budget (ADR 0011) is tested in its own schema with its own low value.
process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'] ??= '1000000';
process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'] ??= '1000000000';
