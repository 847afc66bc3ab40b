import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { ProblemFilter } from './problem.filter';

/** What the filter wrote: status, headers and body, through the bits of Express it uses. */
function answer(exception: unknown) {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    status: (s: number) => ((out.status = s), res),
    setHeader: (k: string, v: string) => void (out.headers[k] = v),
    json: (b: unknown) => void (out.body = b),
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'c-1' }) }) } as unknown as ArgumentsHost;
  new ProblemFilter().catch(exception, host);
  return out;
}

describe(ProblemFilter.name, () => {
  it.each([
    ['a pool connect that timed out', new Error('timeout exceeded when trying to connect')],
    ['a pool connect that timed out, worded by pg-pool', new Error('Connection terminated due to connection timeout')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['Postgres refusing', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      "Postgres's socket gone",
      Object.assign(new Error('connect ENOENT /var/run/postgresql/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' }),
    ],
    ['Postgres shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    // Answered 500 while HTTP kept a list of its own (isOutOfReach, libs/infra-config, is now the one list).
    ['a connection failure', Object.assign(new Error('server closed the connection unexpectedly'), { code: '08006' })],
    ['a connect timing out', Object.assign(new Error('connect ETIMEDOUT 10.0.0.5:5432'), { code: 'ETIMEDOUT' })],
    ['a write sent to a standby', Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' })],
    ['a deadlock Postgres broke by rolling this transaction back', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['a serialization conflict', Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' })],
  ])('catch_WhenTheDatabaseIsOutOfReach_Answers503WithRetryAfter (%s)', (_, e) => {
    const out = answer(e);
    expect(out.status).toBe(503);
    expect(out.headers['Retry-After']).toBe('1');
    expect(out.body).toMatchObject({ code: 'SERVICE.BUSY', correlationId: 'c-1' });
  });

  it('catch_WhenThePathCannotBeDecoded_Answers400NamingThePath_WithACorrelationIdOfItsOwn', () => {
    // What Nest's Express adapter makes of the router's URIError for /objections/%ff%fe, before any middleware ran.
    const uriError = Object.assign(new URIError("Failed to decode param '%ff%fe'"), { status: 400 });
    const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
    const res = {
      status: (s: number) => ((out.status = s), res),
      setHeader: (k: string, v: string) => void (out.headers[k] = v),
      json: (b: unknown) => void (out.body = b),
    };
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({}) }) } as unknown as ArgumentsHost;
    new ProblemFilter().catch(new BadRequestException(uriError.message, { cause: uriError }), host);
    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'path' }] });
    expect(JSON.stringify(out.body)).not.toContain('Failed to decode');
    const { correlationId } = out.body as { correlationId?: string };
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.headers['x-correlation-id']).toBe(correlationId);
  });

  it('catch_WhenSomethingUnexpectedFails_Answers500WithoutItsMessage', () => {
    const out = answer(new Error('relation "secret_table" does not exist'));
    expect(out.status).toBe(500);
    expect(JSON.stringify(out.body)).not.toContain('secret_table');
  });

  it('catch_WhenAFileIsMissing_OtherThanAtAConnect_Answers500NotBusy', () => {
    const out = answer(Object.assign(new Error("ENOENT: no such file or directory, open '/tmp/x'"), { code: 'ENOENT', syscall: 'open' }));
    expect(out.status).toBe(500);
  });

  it('catch_WhenTheAnswerHasBegun_WritesNoSecondOne_LogsTheFailure_AndCutsTheHalfSentAnswer', () => {
    const destroyed: boolean[] = [];
    const errors: unknown[] = [];
    const res = {
      headersSent: true,
      writableEnded: false,
      status: () => {
        throw new Error('a second answer was attempted');
      },
      destroy: () => void destroyed.push(true),
    };
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'c-2' }) }) } as unknown as ArgumentsHost;
    const filter = new ProblemFilter();
    jest
      .spyOn((filter as unknown as { logger: { error: (...a: unknown[]) => void } }).logger, 'error')
      .mockImplementation((...a) => void errors.push(a[0]));
    filter.catch(new Error('the cursor broke mid-stream'), host);
    expect(destroyed).toEqual([true]);
    expect(errors).toEqual([expect.objectContaining({ correlationId: 'c-2' })]);
  });

  it.each([
    ['a full disk', '53100', 'error'],
    ['a standby behind the URL', '25006', 'error'],
    ['an I/O error', '58030', 'error'],
    ['Postgres refusing', 'ECONNREFUSED', 'warn'],
    ['a deadlock', '40P01', 'warn'],
  ])('catch_WhenTheDatabaseIsOutOfReach_LogsWhatNeedsAnOperatorAsAnError (%s)', (_, code, level) => {
    const levels: string[] = [];
    const res = { status: () => res, setHeader: () => undefined, json: () => undefined };
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'c-3' }) }) } as unknown as ArgumentsHost;
    const filter = new ProblemFilter();
    const logger = (filter as unknown as { logger: Record<'error' | 'warn', (...a: unknown[]) => void> }).logger;
    for (const l of ['error', 'warn'] as const) jest.spyOn(logger, l).mockImplementation(() => void levels.push(l));
    filter.catch(Object.assign(new Error('x'), { code }), host);
    expect(levels).toEqual([level]);
  });

  it('catch_WhenAStatementBrokeTheProtocol_Answers500NotBusy', () => {
    // 08P01 is in the connection class but the client's doing (more than 65,535 parameters): retrying cannot help.
    expect(answer(Object.assign(new Error('bind message has 70000 parameter formats'), { code: '08P01' })).status).toBe(500);
  });

  it('catch_WhenTheClientIsAtFault_KeepsItsStatusAndReason', () => {
    const out = answer(new BadRequestException({ code: 'REQUEST.INVALID', message: 'limit: too big' }));
    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ code: 'REQUEST.INVALID', message: 'limit: too big' });
  });

  /** A refusal as Nest's FileInterceptor makes it of multer's error (platform-express' transformException). */
  const multer = (message: string, code: string, field?: string) => Object.assign(new Error(message), { name: 'MulterError', code, field });

  it.each([
    [
      'a text field the route reads none of',
      new BadRequestException('Too many fields', { cause: multer('Too many fields', 'LIMIT_FIELD_COUNT') }),
      'body',
      '表单字段过多 / Too many fields',
    ],
    [
      'a second part',
      new BadRequestException('Too many parts', { cause: multer('Too many parts', 'LIMIT_PART_COUNT') }),
      'body',
      '表单部分过多 / Too many parts',
    ],
    [
      'a file under another name',
      new BadRequestException('Unexpected file field - other', {
        cause: multer('Unexpected file field', 'LIMIT_UNEXPECTED_FILE', 'other'),
      }),
      'other',
      '不接受该文件字段 / Unexpected file field',
    ],
    [
      'a multipart body without its boundary (busboy)',
      new BadRequestException('Multipart: Boundary not found', { cause: new Error('Multipart: Boundary not found') }),
      'body',
      '表单格式有误 / Multipart: Boundary not found',
    ],
  ])('catch_WhenABodyReaderRefusedTheBody_Answers400NamingThePart (%s)', (_, e, field, reason) => {
    const out = answer(e);
    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field, reason }] });
  });

  it('catch_WhenMulterStoppedAFileAtItsLimit_Answers413NamingTheFile', () => {
    const out = answer(new PayloadTooLargeException('File too large', { cause: multer('File too large', 'LIMIT_FILE_SIZE', 'file') }));
    expect(out.status).toBe(413);
    expect(out.body).toMatchObject({ code: 'REQUEST.TOO_LARGE', errors: [{ field: 'file' }] });
  });
});
