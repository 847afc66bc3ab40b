export * from './decided-by';
export * from './roles';
export * from './calendar';
export * from './eligibility';
export * from './programme';
export * from './nomination';
export * from './notice';
export * from './objection';
