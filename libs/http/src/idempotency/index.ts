export * from './idempotency-key';
export * from './idempotency.store';
export * from './idempotency.interceptor';
export * from './idempotency.providers';
export * from './answer-shown-once';
export * from './key-required';
