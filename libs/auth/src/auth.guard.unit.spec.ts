import { HttpException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { TokenRejectedError, type TokenVerifier } from './token-verifier';

/** The guard on a request with a bearer token, the verifier refusing it with `code`. */
async function refusedWith(code: TokenRejectedError['code']): Promise<{ status: number; body: Record<string, unknown> }> {
  const verifier = { verify: () => Promise.reject(new TokenRejectedError(code, 'refused')) } as unknown as TokenVerifier;
  const reflector = { getAllAndOverride: () => undefined } as unknown as Reflector;
  const request = { headers: { authorization: 'Bearer some.token.here' } };
  const ctx = {
    getHandler: () => undefined,
    getClass: () => undefined,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  try {
    await new AuthGuard(reflector, verifier).canActivate(ctx);
  } catch (e) {
    if (e instanceof HttpException) return { status: e.getStatus(), body: e.getResponse() as Record<string, unknown> };
    throw e;
  }
  throw new Error('the guard let the request through');
}

describe(AuthGuard.name, () => {
  it('canActivate_WhenKeycloaksKeysAreUnavailable_Answers503WithRetryAfter_NotSignInAgain', async () => {
    const r = await refusedWith('AUTH.KEYS_UNAVAILABLE');
    expect(r).toMatchObject({ status: 503, body: { code: 'AUTH.KEYS_UNAVAILABLE', retryAfterSec: 5 } });
  });

  it.each(['AUTH.TOKEN_EXPIRED', 'AUTH.TOKEN_INVALID', 'AUTH.TOKEN_TYPE', 'AUTH.CLIENT_NOT_ALLOWED'] as const)(
    'canActivate_WhenTheTokenIsRefused%s_Answers401',
    async (code) => {
      expect(await refusedWith(code)).toMatchObject({ status: 401, body: { code } });
    },
  );
});
