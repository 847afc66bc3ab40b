export * from './domain-error';
export * from './business-rule';
export * from './decider';
export * from './uuid-case';
export * from './routed-path';
export * from './rule-versions';
export * from './china-day';
export * from './blank-text';
