export * from './create-app';
export * from './problem.filter';
export * from './validation';
export * from './graceful-shutdown';
export * from './long-work';
export * from './streaming';
export * from './operator-endpoints';
export * from './storable-text';
