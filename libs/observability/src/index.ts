export * from './correlation';
export * from './health';
export * from './logging.module';
export * from './metrics';
export * from './answered-ahead';
export * from './heard-pool';
