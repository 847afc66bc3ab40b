// `@vanguard/auth/event-signatures`: checking and making event signatures without Nest. The index
// loads the guards and their framework (about 0.45 s); a county system's CLI, which only verifies
// the decisions it follows, paid that at every start.
export * from './scope/event-signature';
