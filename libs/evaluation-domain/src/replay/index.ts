export * from './decision-replayers';
export * from './replay-decision';
