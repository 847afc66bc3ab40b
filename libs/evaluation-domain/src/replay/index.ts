export * from './decision-replayers';
export * from './replay-decision';
export * from './satisfaction-source';
