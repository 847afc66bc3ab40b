import { BadRequestException, ConflictException, UnprocessableEntityException, type CallHandler } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { lastValueFrom, of, throwError } from 'rxjs';
import { canonicalJson } from '@vanguard/auth';
import { parseIdempotencyKey } from './idempotency-key';
import { ABANDONED_AFTER_MS, IdempotencyInterceptor } from './idempotency.interceptor';
import { BallotCodesRoute, DisbursementsRoute, MemoryStore, context } from '../../test/idempotency-support';

describe(parseIdempotencyKey.name, () => {
  it.each([
    ['bare', 'k-1', 'k-1'],
    ['a structured-field string', '"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
  ])('WhenTheKeyIs%s_TakesItsValue', (_, header, key) => expect(parseIdempotencyKey(header)).toBe(key));

  it.each([
    ['Empty', '', 'empty'],
    ['EmptyQuoted', '""', 'empty'],
    ['SpacedOut', 'a b', 'visible ASCII'],
    ['NotAscii', '键', 'visible ASCII'],
    ['Over255Characters', 'k'.repeat(256), 'longer than 255'],
    ['QuotedWithAQuoteInside', '"a\\"b"', 'quote or backslash'],
  ])('WhenTheKeyIs%s_RefusesNamingTheHeader', (_, header, reason) => {
    try {
      parseIdempotencyKey(header);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(BadRequestException);
      expect((e as BadRequestException).getResponse()).toMatchObject({
        errors: [{ field: 'Idempotency-Key', reason: expect.stringContaining(reason) }],
      });
    }
  });

  it('WhenTheHeaderCameTwice_Refuses', () => expect(() => parseIdempotencyKey(['a', 'b'])).toThrow(BadRequestException));
});

describe('an idempotency fingerprint', () => {
  const fingerprintOf = async (env: NodeJS.ProcessEnv, body: unknown) => {
    const store = new MemoryStore();
    const next = { handle: () => of({ ok: true }) };
    await lastValueFrom(
      await new IdempotencyInterceptor(store, env).intercept(context({ 'idempotency-key': 'k' }, { sub: 's' }, body).ctx, next),
    );
    return [...store.keys.values()][0]!.fingerprint;
  };
  const body = { orgId: 'o', name: '张红梅', idNumber: '110101198507124410' };

  // A probe guessed an ID number back from a bare SHA-256 of the body in a minute on one core.
  it('is keyed: the bare hash of the request cannot be matched, and another key gives another fingerprint', async () => {
    const bare = createHash('sha256')
      .update(`POST /pledges\n${canonicalJson(body)}`)
      .digest('hex');
    const mine = await fingerprintOf({ VANGUARD_IDEMPOTENCY_KEY: 'an-operator-secret-of-32-characters-or-more' }, body);
    const other = await fingerprintOf({ VANGUARD_IDEMPOTENCY_KEY: 'another-operator-secret-of-32-characters' }, body);
    expect(mine).not.toBe(bare);
    expect(mine).not.toBe(other);
    expect(await fingerprintOf({ VANGUARD_IDEMPOTENCY_KEY: 'an-operator-secret-of-32-characters-or-more' }, body)).toBe(mine);
  });

  it('replays a first request kept before fingerprints were keyed (its bare hash), and tells another request from it', async () => {
    const store = new MemoryStore();
    const bare = createHash('sha256')
      .update(`POST /pledges\n${canonicalJson(body)}`)
      .digest('hex');
    store.keys.set('s/k', { fingerprint: bare, status: 201, replayable: true, body: { first: true }, ageMs: 1_000 });
    const sut = new IdempotencyInterceptor(store, {});
    const again = context({ 'idempotency-key': 'k' }, { sub: 's' }, body);
    expect(await lastValueFrom(await sut.intercept(again.ctx, { handle: () => of({ second: true }) }))).toEqual({ first: true });
    const other = context({ 'idempotency-key': 'k' }, { sub: 's' }, { ...body, name: '李四' });
    await expect(sut.intercept(other.ctx, { handle: () => of({}) })).rejects.toMatchObject({
      response: { code: 'IDEMPOTENCY.KEY_REUSED' },
    });
  });

  it('refuses to run in production without a key of its own', () => {
    expect(() => new IdempotencyInterceptor(new MemoryStore(), { VANGUARD_ENV: 'production' })).toThrow(
      /VANGUARD_IDEMPOTENCY_KEY is not set/,
    );
  });
});

describe(IdempotencyInterceptor.name, () => {
  const handled = (value: unknown): CallHandler & { calls: number } => {
    const h = { calls: 0, handle: () => (h.calls++, of(value)) };
    return h;
  };

  it('WhenACallerWithoutSignInSendsAKey_Refuses422AndRunsNothing', async () => {
    const store = new MemoryStore();
    const next = handled({ id: 1 });
    await expect(
      new IdempotencyInterceptor(store).intercept(context({ 'idempotency-key': 'k' }, undefined).ctx, next),
    ).rejects.toBeInstanceOf(UnprocessableEntityException);
    expect(next.calls).toBe(0);
  });

  it('WhenTheFirstRequestNeverFinished_AfterAMinuteSaysTheOutcomeIsUnknown', async () => {
    const store = new MemoryStore();
    const { ctx } = context({ 'idempotency-key': 'k' }, { sub: 'u' });
    const sut = new IdempotencyInterceptor(store);
    await sut.intercept(ctx, handled({ id: 1 })); // claimed; its observable never subscribed: still running
    const seen = store.keys.get('u/k')!;
    store.keys.set('u/k', { ...seen, ageMs: ABANDONED_AFTER_MS - 1 });
    await expect(sut.intercept(ctx, handled({ id: 2 }))).rejects.toMatchObject({
      response: { code: 'IDEMPOTENCY.IN_PROGRESS', retryAfterSec: 1 },
    });
    store.keys.set('u/k', { ...seen, ageMs: ABANDONED_AFTER_MS });
    const e = await sut.intercept(ctx, handled({ id: 2 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictException);
    expect((e as ConflictException).getResponse()).toMatchObject({ code: 'IDEMPOTENCY.OUTCOME_UNKNOWN' });
  });

  it('WhenKeepingTheAnswerFails_TheAnswerStillGoesOutAndTheKeyNeverRunsTwice', async () => {
    const store = new MemoryStore();
    store.failComplete = true;
    const sut = new IdempotencyInterceptor(store);
    const first = handled({ id: 1 });
    expect(await lastValueFrom(await sut.intercept(context({ 'idempotency-key': 'k' }, { sub: 'u' }).ctx, first))).toEqual({ id: 1 });
    const second = handled({ id: 2 });
    await expect(sut.intercept(context({ 'idempotency-key': 'k' }, { sub: 'u' }).ctx, second)).rejects.toBeInstanceOf(ConflictException);
    expect(second.calls).toBe(0);
  });

  const failing = (e: unknown): CallHandler => ({ handle: () => throwError(() => e) });
  const keyed = () => context({ 'idempotency-key': 'k' }, { sub: 'u' }).ctx;

  it.each([
    ['a 4xx refusal', new UnprocessableEntityException({ code: 'RULE' })],
    ['a deadlock loser Postgres rolled back', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
  ])('WhenTheHandlerMeets %s_ReleasesTheKeyAndRethrows', async (_, e) => {
    const store = new MemoryStore();
    await expect(lastValueFrom(await new IdempotencyInterceptor(store).intercept(keyed(), failing(e)))).rejects.toBe(e);
    expect(store.keys.size).toBe(0);
  });

  it('WhenTheHandlerFailsUnexpectedly_ItsEffectMayStand_SoACopyHearsOutcomeUnknownAndRunsNothing', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    const lost = new Error('Connection terminated during COMMIT');
    await expect(lastValueFrom(await sut.intercept(keyed(), failing(lost)))).rejects.toBe(lost);
    const copy = handled({ id: 2 });
    await expect(sut.intercept(keyed(), copy)).rejects.toMatchObject({ response: { code: 'IDEMPOTENCY.OUTCOME_UNKNOWN' } });
    expect(copy.calls).toBe(0);
  });

  it.each([
    ['a file', Buffer.from('csv')],
    ['over 64 KiB', { rows: 'x'.repeat(70_000) }],
  ])('WhenTheAnswerIs %s_ItIsNotKept_ButACopyIsRefusedNotRun', async (_, body) => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    expect(await lastValueFrom(await sut.intercept(keyed(), handled(body)))).toBe(body);
    const copy = handled({ id: 2 });
    await expect(sut.intercept(keyed(), copy)).rejects.toMatchObject({ response: { code: 'IDEMPOTENCY.NOT_REPLAYABLE' } });
    expect(copy.calls).toBe(0);
  });

  it('WhenTheRouteShowsItsAnswerOnce_ItIsNotKept_ButACopyIsRefusedNotRun', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    const codes = () =>
      context(
        { 'idempotency-key': 'k' },
        { sub: 'u' },
        { count: 2 },
        { handler: BallotCodesRoute.prototype.issue, controller: BallotCodesRoute },
      ).ctx;
    const answer = { codes: ['C1', 'C2'] };
    expect(await lastValueFrom(await sut.intercept(codes(), handled(answer)))).toBe(answer);
    expect(store.keys.get('u/k')).toMatchObject({ status: 201, body: null, replayable: false });
    const copy = handled({ codes: ['C3', 'C4'] });
    await expect(sut.intercept(codes(), copy)).rejects.toMatchObject({ response: { code: 'IDEMPOTENCY.NOT_REPLAYABLE' } });
    expect(copy.calls).toBe(0);
  });

  it('WhenTheAnswerIsKept_ReplaysItsStatusAndBodyWithTheReplayedHeader', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    await lastValueFrom(await sut.intercept(context({ 'idempotency-key': 'k' }, { sub: 'u' }).ctx, handled({ id: 1 })));
    const { ctx, res } = context({ 'idempotency-key': 'k' }, { sub: 'u' });
    res.statusCode = 200;
    const next = handled({ id: 2 });
    expect(await lastValueFrom(await sut.intercept(ctx, next))).toEqual({ id: 1 });
    expect([res.statusCode, res.headers['Idempotent-Replayed'], next.calls]).toEqual([201, 'true', 0]);
  });

  it('WhenARetrySpellsAnIdInCapitals_ItIsTheSameRequestAndReplays_WhileAnotherIdIsRefused', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    const id = '8e03978e-40d5-43e8-bc93-6894a57f9324';
    await lastValueFrom(
      await sut.intercept(context({ 'idempotency-key': 'k' }, { sub: 'u' }, { orgId: id, note: 'x' }).ctx, handled({ id: 1 })),
    );
    const next = handled({ id: 2 });
    const again = context({ 'idempotency-key': 'k' }, { sub: 'u' }, { orgId: id.toUpperCase(), note: 'x' });
    expect(await lastValueFrom(await sut.intercept(again.ctx, next))).toEqual({ id: 1 });
    expect([again.res.headers['Idempotent-Replayed'], next.calls]).toEqual(['true', 0]);
    const other = context({ 'idempotency-key': 'k' }, { sub: 'u' }, { orgId: id.replace('8e0', '9e0'), note: 'x' });
    await expect(sut.intercept(other.ctx, next)).rejects.toBeInstanceOf(UnprocessableEntityException);
    // Text that only contains an id keeps its case: a link differing there is another request.
    const linked = (note: string) => context({ 'idempotency-key': 'k2' }, { sub: 'u' }, { orgId: id, note }).ctx;
    await lastValueFrom(await sut.intercept(linked(`https://x.cn/${id}`), handled({ id: 3 })));
    await expect(sut.intercept(linked(`https://x.cn/${id.toUpperCase()}`), next)).rejects.toBeInstanceOf(UnprocessableEntityException);
    expect(next.calls).toBe(0);
  });

  it('WhenTheBodyIsNotJson_Refuses422AndRunsNothing', async () => {
    const store = new MemoryStore();
    const next = handled({ id: 1 });
    const { ctx } = context({ 'idempotency-key': 'k', 'content-type': 'multipart/form-data; boundary=x' }, { sub: 'u' });
    await expect(new IdempotencyInterceptor(store).intercept(ctx, next)).rejects.toMatchObject({
      response: { code: 'IDEMPOTENCY.JSON_ONLY' },
    });
    expect([next.calls, store.keys.size]).toEqual([0, 0]);
    const json = context({ 'idempotency-key': 'k', 'content-type': 'application/json; charset=utf-8' }, { sub: 'u' });
    await lastValueFrom(await new IdempotencyInterceptor(store).intercept(json.ctx, next));
    expect(next.calls).toBe(1);
  });

  it.each([
    ['a length', { 'content-length': '12' }],
    ['chunks', { 'transfer-encoding': 'chunked' }],
  ])('WhenABodyOfNoTypeComesIn_%s_Refuses422AndRunsNothing', async (_, headers) => {
    const store = new MemoryStore();
    const next = handled({ imported: 1 });
    const { ctx } = context({ 'idempotency-key': 'k', ...headers }, { sub: 'u' });
    await expect(new IdempotencyInterceptor(store).intercept(ctx, next)).rejects.toMatchObject({
      response: { code: 'IDEMPOTENCY.JSON_ONLY' },
    });
    expect([next.calls, store.keys.size]).toEqual([0, 0]);
    const empty = context({ 'idempotency-key': 'k', 'content-length': '0' }, { sub: 'u' });
    await lastValueFrom(await new IdempotencyInterceptor(store).intercept(empty.ctx, next));
    expect(next.calls).toBe(1);
  });

  it.each([
    ['NestedFiveThousandLevels', JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown, 'nested deeper'],
    ['CarryingNul', { name: 'a\u0000b' }, 'name'],
  ])('WhenTheBodyIs%s_Refuses400BeforeFingerprintingAndClaimsNoKey', async (_, body, reason) => {
    const store = new MemoryStore();
    const next = handled({ id: 1 });
    const { ctx } = context({ 'idempotency-key': 'k' }, { sub: 'u' }, body);
    await expect(new IdempotencyInterceptor(store).intercept(ctx, next)).rejects.toMatchObject({
      status: 400,
      response: { code: 'REQUEST.INVALID', message: expect.stringContaining(reason) },
    });
    expect([next.calls, store.keys.size]).toEqual([0, 0]);
  });

  it('WhenARouteThatMovesMoneyGetsNoKey_Refuses400NamingTheHeaderAndRunsNothing', async () => {
    const store = new MemoryStore();
    const next = handled({ id: 1 });
    const route = { handler: DisbursementsRoute.prototype.disburse, controller: DisbursementsRoute };

    await expect(new IdempotencyInterceptor(store).intercept(context({}, { sub: 'u' }, { a: 1 }, route).ctx, next)).rejects.toMatchObject({
      status: 400,
      response: {
        code: 'IDEMPOTENCY.KEY_REQUIRED',
        errors: [{ field: 'Idempotency-Key', reason: '本接口须带幂等键 / required on this route' }],
      },
    });
    expect([next.calls, store.keys.size]).toEqual([0, 0]);
  });

  it('WhenARouteThatMovesMoneyGetsAKey_RunsOnceAndReplaysTheCopy', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    const route = { handler: DisbursementsRoute.prototype.disburse, controller: DisbursementsRoute };
    const keyed = () => context({ 'idempotency-key': 'pay-1' }, { sub: 'u' }, { amountFen: 100 }, route).ctx;
    const first = handled({ entry: 1 });
    const copy = handled({ entry: 2 });

    expect(await lastValueFrom(await sut.intercept(keyed(), first))).toEqual({ entry: 1 });
    expect(await lastValueFrom(await sut.intercept(keyed(), copy))).toEqual({ entry: 1 });
    expect([first.calls, copy.calls]).toEqual([1, 0]);
  });

  it('WhenTheMethodIsSafeOrNoKeyIsSent_DoesNothing', async () => {
    const store = new MemoryStore();
    const sut = new IdempotencyInterceptor(store);
    await lastValueFrom(await sut.intercept(context({}, { sub: 'u' }).ctx, handled(1)));
    expect(store.keys.size).toBe(0);
  });
});
