import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { isOutOfReach, needsAnOperator } from '@vanguard/infra-config';
import { bodyRefusalInChinese } from './reason-in-chinese';
import type { AnswerNotes, RoutedRequest } from './undocumented-answers';

/** The body of every error answer: a stable code, a readable message, the failing fields. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly errors?: readonly { field: string; reason: string }[];
  readonly correlationId?: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'RESOURCE.NOT_FOUND',
  408: 'REQUEST.TIMEOUT',
  409: 'RESOURCE.CONFLICT',
  413: 'REQUEST.TOO_LARGE',
  422: 'RULE.VIOLATED',
  429: 'LIMIT.TOO_MANY',
};

/** Seconds to wait before retrying, when the refusal says (429, 503 while stopping). */
const retryAfterOf = (e: unknown): number | undefined => {
  if (!(e instanceof HttpException)) return undefined;
  const r = e.getResponse() as { retryAfterSec?: unknown };
  return typeof r === 'object' && r !== null && typeof r.retryAfterSec === 'number' ? r.retryAfterSec : undefined;
};

/** Postgres rolled the transaction back as a deadlock's or a serialization conflict's loser: nothing of it was kept. */
export const ROLLED_BACK_CODES: ReadonlySet<string> = new Set(['40P01', '40001']);

/**
 * The database out of reach for a moment (`isOutOfReach`: the pool could not connect in time, a
 * connection dropped, Postgres refusing or restarting, its Unix socket gone), or a transaction
 * Postgres rolled back as a loser of a deadlock or a serialization conflict (nothing of it was
 * kept): the request is not at fault and may be retried, so it is answered 503 with Retry-After, not 500.
 */
const isDatabaseOutOfReach = (e: unknown): boolean =>
  e instanceof Error && (isOutOfReach(e) || ROLLED_BACK_CODES.has(String((e as { code?: unknown }).code)));

const hasCode = (r: unknown): boolean => typeof r === 'object' && r !== null && typeof (r as { code?: unknown }).code === 'string';

const isReport = (r: unknown): boolean => typeof r === 'object' && r !== null && 'status' in r && 'details' in r;

/** The part a body's reader names in its error (multer's `field`: "file", a text field's name), else the body. */
const fieldOf = (cause: unknown): string => {
  const field = (cause as { field?: unknown } | undefined)?.field;
  return typeof field === 'string' && field !== '' ? field : 'body';
};

/**
 * Turns every thrown thing into a JSON answer. Client mistakes keep their status and
 * reason; anything unexpected is logged with its stack and answered as a bare 500,
 * so no stack trace or SQL ever reaches a caller.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');
  private answers: AnswerNotes | undefined;

  /** Where refusals the OpenAPI document does not list are noted (tests only: undocumented-answers.ts). */
  noteAnswersIn(answers: AnswerNotes | undefined): void {
    this.answers = answers;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<{ id?: string } & RoutedRequest>();
    // Refused before the access logger gave it one (a path Express could not decode): one of its own.
    if (!req.id && !res.headersSent) {
      req.id = randomUUID();
      res.setHeader('x-correlation-id', req.id);
    }
    // Answered already (a stream that failed half-way): a second answer cannot be written, and
    // trying would throw out of the filter. What went wrong is still logged, and the half-sent
    // answer is cut so the client sees it fail rather than wait for the rest.
    if (res.headersSent) {
      if (!(exception instanceof HttpException)) this.logger.error({ err: exception, correlationId: req.id }, 'failed after answering');
      if (!res.writableEnded) res.destroy();
      return;
    }
    // A structured report someone else built on purpose (terminus' readiness 503) goes out as it is.
    if (exception instanceof HttpException && isReport(exception.getResponse())) {
      res.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    if (isDatabaseOutOfReach(exception)) {
      // A full disk or a standby behind the URL does not pass by itself: an error, for someone to act on.
      const log = needsAnOperator(exception) ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
      log({ err: exception, correlationId: req.id }, 'database out of reach or transaction rolled back; answered 503');
      res.setHeader('Retry-After', '1');
      this.answers?.note(req, HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE.BUSY');
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'SERVICE.BUSY',
        message: '系统繁忙，请稍后重试 / too busy, try again',
        correlationId: req.id,
      });
      return;
    }
    const body = this.toBody(exception);
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    if (!(exception instanceof HttpException)) this.logger.error({ err: exception, correlationId: req.id }, 'unhandled error');
    // A 500 is a fault, not an answer to document: its own tests fail on it.
    if (body.statusCode !== 500) this.answers?.note(req, body.statusCode, body.code, body.errors);
    res.status(body.statusCode).json({ ...body, correlationId: req.id });
  }

  private toBody(exception: unknown): ErrorBody {
    // Express maps a body that is not JSON to a 400 whose cause is the parser's SyntaxError.
    // And a path whose percent-encoding is not UTF-8 (%ff) to a 400 whose cause is a URIError.
    if (exception instanceof HttpException && exception.cause instanceof URIError) {
      const reason = '路径含无法解码的百分号编码 / the path holds a percent-encoding that is not UTF-8';
      return { statusCode: HttpStatus.BAD_REQUEST, code: 'REQUEST.INVALID', message: reason, errors: [{ field: 'path', reason }] };
    }
    if (exception instanceof HttpException && exception.cause instanceof SyntaxError) {
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        code: 'REQUEST.MALFORMED',
        message: '请求体不是合法的 JSON / request body is not valid JSON',
      };
    }
    // The JSON parser's own 413 (a chunked or compressed body is counted as it is read, not from
    // Content-Length): "request entity too large" in English, no field. Said as the others are.
    if (exception instanceof HttpException && exception.getStatus() === 413 && !hasCode(exception.getResponse())) {
      const limit = (exception.cause as { limit?: unknown } | undefined)?.limit;
      const bytes = typeof limit === 'number' ? ` ${limit}` : '';
      const reason = bytes ? `at most${bytes} bytes` : 'larger than the service takes';
      return {
        statusCode: HttpStatus.PAYLOAD_TOO_LARGE,
        code: 'REQUEST.TOO_LARGE',
        message: `请求体超过上限${bytes ? `${bytes} 字节` : ''} / the body exceeds the limit${bytes ? ` of${bytes} bytes` : ''}`,
        errors: [{ field: fieldOf(exception.cause), reason }],
      };
    }
    // A body its reader refused (multer's limits and unexpected parts, busboy's malformed
    // multipart, the JSON parser's aborted or miscounted body): Nest keeps the reader's error as
    // the cause, and its English message ("Too many fields") came alone, with no field.
    if (
      exception instanceof HttpException &&
      exception.getStatus() === 400 &&
      exception.cause instanceof Error &&
      !hasCode(exception.getResponse())
    ) {
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        code: 'REQUEST.INVALID',
        message: `请求体有误 / the body was refused: ${exception.message}`,
        errors: [{ field: fieldOf(exception.cause), reason: bodyRefusalInChinese(exception.cause.message) }],
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const r = (typeof raw === 'string' ? { message: raw } : raw) as Partial<ErrorBody> & { message?: unknown };
      const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? exception.message);
      return {
        statusCode: status,
        code: r.code ?? CODE_BY_STATUS[status] ?? (status >= 500 ? 'SERVER.ERROR' : 'REQUEST.FAILED'),
        message,
        ...(r.errors ? { errors: r.errors } : {}),
      };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'SERVER.ERROR', message: '服务器内部错误 / internal error' };
  }
}
