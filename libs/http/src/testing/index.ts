import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AheadOfRouter } from '../ahead-of-router';
import type { IdempotencyStore } from '../idempotency';

/**
 * Asks a fast path (answerAheadOfRouter's `answer`) as the server would, with a response that
 * records what is written: what it answered, or 'controller' when it left the request to
 * Express — which it must leave untouched, or the probe throws.
 */
export class AheadOfRouterProbe {
  /** The headers of every answer written, in order, by lower-case name. */
  readonly sent: Record<string, string>[] = [];

  constructor(
    private readonly answer: AheadOfRouter,
    private readonly remoteAddress = '10.0.0.1',
  ) {}

  request(url: string, headers: Record<string, string> = {}, method = 'GET'): { status: number; body: string | undefined } | 'controller' {
    const res = {
      statusCode: 0,
      body: undefined as string | undefined,
      writeHead: (status: number, flat: string[]) => {
        res.statusCode = status;
        const named: Record<string, string> = {};
        for (let i = 0; i < flat.length; i += 2) named[flat[i]!.toLowerCase()] = flat[i + 1]!;
        this.sent.push(named);
      },
      end: (b?: Buffer) => (res.body = b?.toString('utf8')),
    };
    const answered = this.answer(
      { method, url, headers, socket: { remoteAddress: this.remoteAddress } } as unknown as IncomingMessage,
      res as unknown as ServerResponse,
    );
    if (!answered && res.statusCode !== 0) throw new Error(`${method} ${url} was left to Express after an answer was written`);
    return answered ? { status: res.statusCode, body: res.body } : 'controller';
  }
}

/** Runs `work` with `VANGUARD_TRUSTED_PROXIES` set to `spec` (unset for undefined), as it was again afterwards. */
export async function withTrustedProxies<T>(spec: string | undefined, work: () => T | Promise<T>): Promise<T> {
  const had = process.env['VANGUARD_TRUSTED_PROXIES'];
  const set = (v: string | undefined) =>
    v === undefined ? delete process.env['VANGUARD_TRUSTED_PROXIES'] : (process.env['VANGUARD_TRUSTED_PROXIES'] = v);
  set(spec);
  try {
    return await work();
  } finally {
    set(had);
  }
}

/**
 * An idempotency store that records the keys claimed into `claims` and keeps nothing: for specs
 * that must see a refused request claimed no key.
 */
export function claimRecordingStore(claims: string[]): IdempotencyStore {
  return {
    claim: (_p, key) => (claims.push(key), Promise.resolve('claimed')),
    complete: () => Promise.resolve(),
    keepWithoutAnswer: () => Promise.resolve(),
    release: () => Promise.resolve(),
  };
}
