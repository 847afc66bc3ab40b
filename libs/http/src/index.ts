export * from './create-app';
export * from './problem.filter';
export * from './validation';
