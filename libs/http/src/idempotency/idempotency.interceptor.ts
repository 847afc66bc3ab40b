import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BadRequestException,
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  ServiceUnavailableException,
  StreamableFile,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { canonicalJson } from '@vanguard/auth';
import { DEVELOPMENT_IDEMPOTENCY_KEY, isOutOfReach, isProductionMode } from '@vanguard/infra-config';
import { DomainError, lowerCaseUuids } from '@vanguard/kernel';

const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The body with every value that is an id, and nothing but one, in lower case: the URL is
 * lower-cased at the edge and the DTOs lower-case their ids, so a retry spelling an id in capitals
 * is the same request and must replay. Text that merely contains an id (a title, a link) keeps its
 * case: two requests differing there are two requests.
 */
function idsLowerCased(v: unknown): unknown {
  if (typeof v === 'string') return WHOLE_UUID.test(v) ? lowerCaseUuids(v) : v;
  if (Array.isArray(v)) return v.map(idsLowerCased);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, idsLowerCased(x)]));
  return v;
}
import { CommitRolledBackError, mayHaveCommitted, newCommitWatch, watchingCommits } from '@vanguard/messaging';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { ROLLED_BACK_CODES } from '../problem.filter';
import { StorableTextPipe } from '../storable-text';
import { ANSWER_SHOWN_ONCE } from './answer-shown-once';
import { IDEMPOTENCY_KEY_REQUIRED } from './key-required';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from './idempotency-key';
import { OUTCOME_UNKNOWN, type IdempotencyStore, type SeenKey } from './idempotency.store';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Longer than any request may run: a key still unanswered after this was left by a request that died. */
export const ABANDONED_AFTER_MS = 60_000;
/** The largest answer kept to send again; a bigger one is kept as "succeeded, not replayable". */
export const MAX_KEPT_BYTES = 64 * 1024;

/** The database could not be reached, or no connection came in time (a service's own 503 for it). */
const outOfReach = (e: unknown): boolean =>
  isOutOfReach(e) || (e instanceof ServiceUnavailableException && (e.getResponse() as { code?: unknown }).code === 'SERVICE.BUSY');

/**
 * A refusal, which by the platform's rules changes nothing: a 4xx, a domain refusal, or a
 * transaction Postgres rolled back (deadlock or serialization loser, an aborted COMMIT).
 */
const changedNothing = (e: unknown): boolean =>
  (e instanceof HttpException && e.getStatus() < 500) ||
  e instanceof DomainError ||
  e instanceof CommitRolledBackError ||
  ROLLED_BACK_CODES.has(String((e as { code?: unknown })?.code));

/** A body the key can answer again: JSON, not a stream or bytes the handler wrote itself. */
const isReplayable = (body: unknown, res: Response) =>
  !res.headersSent && !(body instanceof StreamableFile || body instanceof Readable || Buffer.isBuffer(body));

/**
 * A JSON body, or none at all (a PUT or DELETE may carry nothing). A body without a type is not
 * none: an upload route reads it raw, after this runs, so two different files sent with one key
 * fingerprinted alike and the second was answered with the first's result, unread.
 */
const isJsonOrEmpty = (req: Request) => {
  const type = req.headers['content-type'];
  if (type === undefined) return req.headers['transfer-encoding'] === undefined && Number(req.headers['content-length'] ?? 0) === 0;
  return /^application\/([\w.+-]+\+)?json\b/i.test(type);
};

/**
 * `Idempotency-Key` on a signed-in caller's unsafe request: the first request with a key runs
 * and its answer (2xx) is kept for 24 h, unless its route is `@AnswerShownOnce()`; the same
 * request again with that key gets the kept answer (`Idempotent-Replayed: true`) and runs nothing;
 * while the first still runs, 409 with Retry-After; the key with another request (method, path or
 * body), 422. A refused request changed nothing, so its key is released for the retry, and so is a
 * money route's that met the database out of reach before anything may have committed; after any
 * other failure the key answers OUTCOME_UNKNOWN, never a second run. Keys are per caller (`sub`):
 * one caller's key never answers another's. ADR 0072.
 */
const STORABLE_TEXT = new StorableTextPipe();

export const IDEMPOTENCY_KEY_VARIABLE = 'VANGUARD_IDEMPOTENCY_KEY';
/** A keyed fingerprint's prefix: a key's first request kept before 2026-12-05 holds a bare SHA-256. */
const KEYED = 'h1:';

/**
 * Whether a key's first request was this one. A first request kept before the fingerprints were
 * keyed (at most 24 h before the change, the keys' life) is matched by its bare hash, so a retry
 * across the deploy replays instead of being told to send again with a new key, which would run
 * the request twice (a cold review).
 */
function sameRequest(kept: string, fingerprint: string, request: string): boolean {
  if (kept.startsWith(KEYED)) return kept === fingerprint;
  return kept === createHash('sha256').update(request).digest('hex');
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  private readonly reflector = new Reflector();

  /**
   * A request's fingerprint is an HMAC under a secret of the operator's, not a bare hash: a body
   * holds an ID number, and its name, organisation and joining day lie in clear beside it, so a
   * bare SHA-256 kept for 24 h gave the ID number back to anyone reading the table, in a minute
   * of guessing on one core (a hostile probe), past the sealed column and its keyed index.
   */
  private readonly fingerprintKey: string;

  constructor(
    private readonly store: IdempotencyStore,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    // Outside production the development key, public in the source; in production none is no start
    // (productionProblems says so first; this holds for a service that skipped the check).
    const key = env[IDEMPOTENCY_KEY_VARIABLE];
    if (!key && isProductionMode(env))
      throw new Error(`${IDEMPOTENCY_KEY_VARIABLE} is not set: production keys its idempotency fingerprints`);
    this.fingerprintKey = key || DEVELOPMENT_IDEMPOTENCY_KEY;
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request & { principal?: { sub: string } }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const header = req.headers['idempotency-key'];
    if (!UNSAFE.has(req.method)) return next.handle();
    const keyRequired = this.reflector.getAllAndOverride<boolean | undefined>(IDEMPOTENCY_KEY_REQUIRED, [ctx.getHandler(), ctx.getClass()]);
    if (header === undefined) {
      if (keyRequired)
        throw new BadRequestException({
          code: 'IDEMPOTENCY.KEY_REQUIRED',
          message: `资金变动须带幂等键 / this route moves money: send an ${IDEMPOTENCY_KEY_HEADER}, and the same one when you retry, so a retry is never a second entry`,
          errors: [{ field: IDEMPOTENCY_KEY_HEADER, reason: '本接口须带幂等键 / required on this route' }],
        });
      return next.handle();
    }
    const key = parseIdempotencyKey(header);
    const principal = req.principal?.sub;
    if (!principal)
      throw new UnprocessableEntityException({
        code: 'IDEMPOTENCY.SIGN_IN_REQUIRED',
        message: `幂等键仅限登录用户 / ${IDEMPOTENCY_KEY_HEADER} is kept per signed-in caller; this endpoint takes none`,
      });
    // A multipart file is read after this runs, so it could not be in the fingerprint.
    if (!isJsonOrEmpty(req))
      throw new UnprocessableEntityException({
        code: 'IDEMPOTENCY.JSON_ONLY',
        message: `幂等键仅用于 JSON 请求 / ${IDEMPOTENCY_KEY_HEADER} is kept for JSON requests only; send this one without it`,
      });
    // Interceptors run before pipes: a body the text pipe refuses (nested past its depth, text Postgres
    // cannot store) is refused here first, as it will be there, before the fingerprint recurses into it.
    STORABLE_TEXT.transform(req.body, { type: 'body' });
    const request = `${req.method} ${req.originalUrl}\n${canonicalJson(idsLowerCased(req.body ?? null))}`;
    const fingerprint = `${KEYED}${createHmac('sha256', this.fingerprintKey).update(request).digest('hex')}`;
    const seen = await this.store.claim(principal, key, fingerprint);
    if (seen !== 'claimed') return of(this.answerFor(seen, sameRequest(seen.fingerprint, fingerprint, request), res));
    // A money route commits only through watched statements (key-required.ts), so when the database
    // was out of reach it is known whether anything may have taken: a 503 it says to retry is retried with the key.
    const watch = keyRequired ? newCommitWatch() : undefined;
    const sendAgain = (e: unknown) => changedNothing(e) || (watch !== undefined && outOfReach(e) && !mayHaveCommitted(watch));
    // A refusal changed nothing: the key is free for the corrected request. Any other failure may
    // have left its effect (a COMMIT whose answer was lost), so its key answers OUTCOME_UNKNOWN.
    const failed = (e: unknown) =>
      from(
        (sendAgain(e) ? this.store.release(principal, key) : this.store.keepWithoutAnswer(principal, key, OUTCOME_UNKNOWN)).catch(
          () => undefined,
        ),
      ).pipe(mergeMap(() => throwError(() => e)));
    // A secret shown once (ballot codes) sat in clear in the key's row for 24 h and went to any copy (a hostile review).
    const shownOnce = this.reflector.getAllAndOverride<boolean | undefined>(ANSWER_SHOWN_ONCE, [ctx.getHandler(), ctx.getClass()]);
    // Subscribed inside the watch, so the handler's statements, run on subscription, are counted in it.
    const handled = watch ? new Observable<unknown>((s) => watchingCommits(watch, () => next.handle().subscribe(s))) : next.handle();
    return handled.pipe(
      catchError(failed),
      mergeMap(async (body: unknown) => {
        try {
          if (
            !shownOnce &&
            isReplayable(body, res) &&
            res.statusCode < 300 &&
            Buffer.byteLength(JSON.stringify(body ?? null)) <= MAX_KEPT_BYTES
          )
            await this.store.complete(principal, key, res.statusCode, body);
          // It ran and its effect stands: a copy must not run it again, even if it cannot be answered.
          else await this.store.keepWithoutAnswer(principal, key, res.statusCode);
        } catch (e) {
          // The answer still goes out; the key stays unanswered, so a retry hears OUTCOME_UNKNOWN, never runs twice.
          this.logger.warn(`idempotency key not completed: ${String(e)}`);
        }
        return body;
      }),
    );
  }

  /** A copy's answer: the kept one, or why there is none. Throws the refusals. */
  private answerFor(seen: SeenKey, same: boolean, res: Response): unknown {
    if (!same)
      throw new UnprocessableEntityException({
        code: 'IDEMPOTENCY.KEY_REUSED',
        message: `幂等键已用于另一请求 / this ${IDEMPOTENCY_KEY_HEADER} was sent with another request (method, path or body); use a new key`,
      });
    if (seen.status === null) throw this.unanswered(seen.ageMs);
    if (seen.status === OUTCOME_UNKNOWN) throw this.unanswered(ABANDONED_AFTER_MS);
    if (!seen.replayable)
      throw new ConflictException({
        code: 'IDEMPOTENCY.NOT_REPLAYABLE',
        message: `首次请求已完成，其结果未保存 / the first request with this ${IDEMPOTENCY_KEY_HEADER} succeeded (${seen.status}); its answer (a file, over ${MAX_KEPT_BYTES} bytes, or shown once) is not kept — read the result instead of sending again`,
      });
    res.status(seen.status);
    res.setHeader('Idempotent-Replayed', 'true');
    return seen.body ?? undefined;
  }

  private unanswered(ageMs: number): ConflictException {
    if (ageMs < ABANDONED_AFTER_MS)
      return new ConflictException({
        code: 'IDEMPOTENCY.IN_PROGRESS',
        message: `同一请求正在处理 / the first request with this ${IDEMPOTENCY_KEY_HEADER} is still running; ask again shortly`,
        retryAfterSec: 1,
      });
    return new ConflictException({
      code: 'IDEMPOTENCY.OUTCOME_UNKNOWN',
      message: `首次请求未完成 / the first request with this ${IDEMPOTENCY_KEY_HEADER} never finished; check whether it took effect, then send again with a new key`,
    });
  }
}
