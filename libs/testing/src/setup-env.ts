// Services log every request as JSON; in test output only warnings and errors help.
process.env['LOG_LEVEL'] ??= 'warn';
