import { ServiceUnavailableException, type CallHandler } from '@nestjs/common';
import { defer, lastValueFrom } from 'rxjs';
import { mayCommit } from '@vanguard/messaging';
import { seededRandom } from '@vanguard/testing';
import { DisbursementsRoute, MemoryStore, PledgesRoute, context } from '../../test/idempotency-support';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { OUTCOME_UNKNOWN } from './idempotency.store';

/**
 * What a request's statements do before the database goes out of reach: a read; a write that
 * committed; a guarded write that found a change and wrote nothing; a statement sent and never
 * answered (its connection dropped), which ends the request.
 */
type Step = 'read' | 'committed' | 'not-applied' | 'lost';
const STEPS: readonly Step[] = ['read', 'committed', 'not-applied', 'lost'];

const connectTimeout = () => new Error('timeout exceeded when trying to connect');
const busy = () => new ServiceUnavailableException({ code: 'SERVICE.BUSY', message: '系统繁忙，请稍后重试 / too busy, try again' });

/** A turn of the event loop of a random kind, so the statements' continuations interleave across requests. */
function aTurn(r: () => number): Promise<void> {
  const k = Math.floor(r() * 3);
  if (k === 0) return Promise.resolve();
  return new Promise((done) => (k === 1 ? setImmediate(done) : setTimeout(done, 0)));
}

/** The handler: runs `steps`, then fails as a pool that gave no connection in time does (a raw error or the service's 503). */
function handlerOf(steps: readonly Step[], r: () => number): CallHandler {
  return {
    handle: () =>
      defer(async () => {
        for (const step of steps) {
          await aTurn(r);
          if (step === 'read') continue;
          if (step === 'lost') await mayCommit(() => Promise.reject(new Error('Connection terminated unexpectedly')));
          else
            await mayCommit(
              () => aTurn(r).then(() => ({ applied: step === 'committed' })),
              (a) => a.applied,
            );
        }
        await aTurn(r);
        throw r() < 0.5 ? connectTimeout() : busy();
      }),
  };
}

describe('an Idempotency-Key when the database is out of reach', () => {
  const disbursements = { handler: DisbursementsRoute.prototype.disburse, controller: DisbursementsRoute };
  const pledges = { handler: PledgesRoute.prototype.make, controller: PledgesRoute };

  // Many requests at once, each with its own statements, so one request's commits never count in another's.
  it('is free again on a money route exactly when nothing the request sent may have committed; elsewhere it is never freed', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = seededRandom(seed);
      const store = new MemoryStore();
      const sut = new IdempotencyInterceptor(store);
      const requests = Array.from({ length: 2 + Math.floor(r() * 12) }, (_, i) => {
        const steps = Array.from({ length: Math.floor(r() * 4) }, () => STEPS[Math.floor(r() * STEPS.length)]!);
        const lostAt = steps.indexOf('lost');
        const ran = lostAt < 0 ? steps : steps.slice(0, lostAt + 1);
        const moneyRoute = r() < 0.75;
        return { key: `k-${i}`, steps: ran, moneyRoute, mayHaveCommitted: ran.some((s) => s === 'committed' || s === 'lost') };
      });
      await Promise.all(
        requests.map(async ({ key, steps, moneyRoute }) => {
          const { ctx } = context({ 'idempotency-key': key }, { sub: 'u' }, { amountFen: 100 }, moneyRoute ? disbursements : pledges);
          await expect(lastValueFrom(await sut.intercept(ctx, handlerOf(steps, r)))).rejects.toBeDefined();
        }),
      );
      const outcome = requests.map(({ key }) => store.keys.get(`u/${key}`)?.status ?? 'free');
      const expected = requests.map(({ moneyRoute, mayHaveCommitted }) => (moneyRoute && !mayHaveCommitted ? 'free' : OUTCOME_UNKNOWN));
      expect({ seed, requests, outcome }).toEqual({ seed, requests, outcome: expected });
    }
  });

  it('on a money route freed, the retry with the same key runs', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    const keyed = () => context({ 'idempotency-key': 'pay-1' }, { sub: 'u' }, { amountFen: 100 }, disbursements).ctx;
    await expect(lastValueFrom(await sut.intercept(keyed(), handlerOf(['read', 'not-applied'], seededRandom(7))))).rejects.toBeInstanceOf(
      Error,
    );
    const retry = { calls: 0, handle: () => defer(() => (retry.calls++, Promise.resolve({ entry: 1 }))) };
    expect(await lastValueFrom(await sut.intercept(keyed(), retry))).toEqual({ entry: 1 });
    expect(retry.calls).toBe(1);
  });
});
