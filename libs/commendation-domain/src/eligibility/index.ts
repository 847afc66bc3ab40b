export * from './eligibility.facts';
export * from './eligibility.policies';
export * from './eligibility';
