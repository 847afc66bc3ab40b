import type { ExecutionContext } from '@nestjs/common';
import { AnswerShownOnce } from '../src/idempotency/answer-shown-once';
import { IdempotencyKeyRequired } from '../src/idempotency/key-required';
import type { IdempotencyStore, SeenKey } from '../src/idempotency/idempotency.store';

// The idempotency interceptor's unit specs' keys in memory, routes and request contexts.

/** Keys in memory, as the Postgres store keeps them (its own behaviour: idempotency.store.int.spec.ts). */
export class MemoryStore implements IdempotencyStore {
  readonly keys = new Map<string, SeenKey>();
  failComplete = false;
  claim(p: string, k: string, fingerprint: string): Promise<'claimed' | SeenKey> {
    const seen = this.keys.get(`${p}/${k}`);
    if (seen) return Promise.resolve(seen);
    this.keys.set(`${p}/${k}`, { fingerprint, status: null, replayable: false, body: null, ageMs: 0 });
    return Promise.resolve('claimed');
  }
  complete(p: string, k: string, status: number, body: unknown): Promise<void> {
    if (this.failComplete) return Promise.reject(new Error('connection lost'));
    this.keys.set(`${p}/${k}`, { ...this.keys.get(`${p}/${k}`)!, status, body, replayable: true });
    return Promise.resolve();
  }
  keepWithoutAnswer(p: string, k: string, status: number): Promise<void> {
    this.keys.set(`${p}/${k}`, { ...this.keys.get(`${p}/${k}`)!, status, body: null, replayable: false });
    return Promise.resolve();
  }
  release(p: string, k: string): Promise<void> {
    if (this.keys.get(`${p}/${k}`)?.status === null) this.keys.delete(`${p}/${k}`);
    return Promise.resolve();
  }
}

export class PledgesRoute {
  make(this: void) {}
}
export class BallotCodesRoute {
  @AnswerShownOnce()
  issue(this: void) {}
}
export class DisbursementsRoute {
  @IdempotencyKeyRequired()
  disburse(this: void) {}
}

export function context(
  headers: Record<string, string>,
  principal: { sub: string } | undefined,
  body: unknown = { a: 1 },
  route: { handler: () => void; controller: object } = { handler: PledgesRoute.prototype.make, controller: PledgesRoute },
) {
  const res = { statusCode: 201, headersSent: false, headers: {} as Record<string, string>, status: jest.fn(), setHeader: jest.fn() };
  res.status.mockImplementation((s: number) => ((res.statusCode = s), res));
  res.setHeader.mockImplementation((k: string, v: string) => (res.headers[k] = v));
  const req = { method: 'POST', originalUrl: '/pledges', headers, body, principal };
  const ctx = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    getHandler: () => route.handler,
    getClass: () => route.controller,
  } as unknown as ExecutionContext;
  return { ctx, res };
}
