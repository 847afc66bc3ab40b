export * from './decided-by';
export * from './assessment';
export * from './campaign';
export * from './comment';
export * from './mass-evaluation';
export * from './pioneer';
export * from './pledge';
export * from './review';
