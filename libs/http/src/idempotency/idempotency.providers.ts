import type { INestApplication, InjectionToken, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { providesToken } from '../module-providers';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotencyStore } from './idempotency.store';
import { KEY_REQUIRED_EXTENSION } from './key-required';
import { addRefusals } from '../refusals';

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

type KeyRefusals = Readonly<Record<string, string>>;

/** What the key's own refusals say, beside the route's (idempotency.interceptor.ts). */
const KEY_REFUSALS: KeyRefusals = {
  '409':
    'with an Idempotency-Key: IDEMPOTENCY.IN_PROGRESS: the first request with the key is still running (Retry-After); ' +
    'IDEMPOTENCY.NOT_REPLAYABLE: it succeeded and its answer (a file, or shown once) is not kept; ' +
    'IDEMPOTENCY.OUTCOME_UNKNOWN: it never finished — check whether it took effect, then send with a new key',
  '422':
    'with an Idempotency-Key: IDEMPOTENCY.KEY_REUSED: the key came with another request; ' +
    'IDEMPOTENCY.JSON_ONLY: the key is kept for JSON requests only',
};

const WHAT_A_KEY_DOES =
  'the same request sent again with the same key (per caller, 24 h) gets the first answer (header `Idempotent-Replayed: true`) and changes nothing; 409 while the first runs, 422 if the key came with another request (ADR 0072).';
const REQUIRED =
  'required: this route moves money, and a request without a key is refused 400 IDEMPOTENCY.KEY_REQUIRED, since the ledger cannot tell a retry from a second entry';

/** A public command takes no key: one sent all the same is refused. */
const PUBLIC_KEY_REFUSALS: KeyRefusals = {
  '422': 'with an Idempotency-Key: IDEMPOTENCY.SIGN_IN_REQUIRED: keys are kept per signed-in caller; send none',
};

/** The key's refusals beside the route's own answer of that status (ApiRefusals), or alone. */
function addKeyRefusals(op: OperationObject, refusals: KeyRefusals): void {
  for (const [status, text] of Object.entries(refusals)) addRefusals(op, status, text);
}

/** The header, and its refusals, on every signed-in unsafe operation of the OpenAPI document; a public one's refusal of it. */
export function documentIdempotencyKey(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const method of UNSAFE) {
      const op = item[method];
      if (!op) continue;
      if (!op.security?.length) {
        addKeyRefusals(op, PUBLIC_KEY_REFUSALS);
        continue;
      }
      addKeyRefusals(op, KEY_REFUSALS);
      const required = (op as unknown as Record<string, unknown>)[KEY_REQUIRED_EXTENSION] === true;
      op.parameters = [
        ...(op.parameters ?? []),
        {
          name: IDEMPOTENCY_KEY_HEADER,
          in: 'header',
          required,
          schema: { type: 'string', minLength: 1, maxLength: 255 },
          description: `幂等键 / ${required ? REQUIRED : 'optional'}: ${WHAT_A_KEY_DOES}`,
        },
      ];
    }
  }
}
