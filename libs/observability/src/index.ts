export * from './correlation';
export * from './health';
export * from './logging.module';
export * from './metrics';
