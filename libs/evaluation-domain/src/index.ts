export * from './campaign';
export * from './pledge';
