import type { INestApplication, InjectionToken, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { providesToken } from '../module-providers';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotencyStore } from './idempotency.store';

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** A service module's providers for `Idempotency-Key` on every unsafe route: the store, and the interceptor over it. */
export function idempotencyProviders(inject: InjectionToken[], store: (...deps: never[]) => IdempotencyStore): Provider[] {
  return [
    { provide: IDEMPOTENCY_STORE, inject, useFactory: store },
    { provide: APP_INTERCEPTOR, inject: [IDEMPOTENCY_STORE], useFactory: (s: IdempotencyStore) => new IdempotencyInterceptor(s) },
  ];
}

/** Whether the app's module provides the keys (configureHttpApp then documents the header). */
export function keepsIdempotencyKeys(app: INestApplication): boolean {
  return providesToken(app, IDEMPOTENCY_STORE);
}

const UNSAFE = ['post', 'put', 'patch', 'delete'] as const;

/** The header on every signed-in unsafe operation of the OpenAPI document. */
export function documentIdempotencyKey(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const method of UNSAFE) {
      const op = item[method];
      if (!op?.security?.length) continue;
      op.parameters = [
        ...(op.parameters ?? []),
        {
          name: IDEMPOTENCY_KEY_HEADER,
          in: 'header',
          required: false,
          schema: { type: 'string', minLength: 1, maxLength: 255 },
          description:
            '幂等键 / optional: the same request sent again with the same key (per caller, 24 h) gets the first answer (header `Idempotent-Replayed: true`) and changes nothing; 409 while the first runs, 422 if the key came with another request (ADR 0072).',
        },
      ];
    }
  }
}
