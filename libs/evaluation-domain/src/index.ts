export * from './decided-by';
export * from './campaign';
export * from './comment';
export * from './pledge';
