export * from './cells';
export * from './csv';
export * from './xlsx-bounds';
export * from './sheet-reader';
export * from './upload-limits';
export * from './multipart';
export * from './header';
