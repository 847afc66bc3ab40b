export * from './pledge';
