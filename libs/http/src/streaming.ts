import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpException, HttpStatus, Logger } from '@nestjs/common';

const logger = new Logger('Streaming');

export interface StreamBodyOptions {
  /** Aborts the stream from outside (a lease's shutdown signal). */
  readonly signal?: AbortSignal;
  /** A client that reads nothing for this long is cut off, so it cannot hold a query open. */
  readonly stallMs: number;
  /**
   * The longest a download may run, however steadily it reads: a client draining 1 KB a second
   * never stalls, yet would hold its slot, connection and cursor for hours.
   */
  readonly maxMs?: number;
}

/** The 'close' listeners `stream.pipeline` adds to its destination while it runs (Node 20). */
const PIPELINE_LISTENERS = 7;

/** How a streamed answer ended: sent in full, cut short (client gone, stalled, shutting down), or a HEAD's headers alone. */
export type StreamOutcome = 'sent' | 'aborted' | 'head';

/**
 * A HEAD: Express runs the GET's handler for it and Node drops every byte of the body, so a
 * download's body would be produced in full for nobody. Its answer is the GET's status and
 * headers, and no body work past that (ADR 0141).
 */
export const isHeadRequest = (res: ServerResponse): boolean => res.req?.method === 'HEAD';

/**
 * Sends `chunks` as the response body through `stream.pipeline`, so a client that goes away
 * (or stalls, or a shutdown) destroys the source: the producer's `finally` runs at its next
 * step, ends its query and releases its connection. The first chunk is produced before any
 * byte is sent, so a failure to start is still an ordinary error answer; a failure later can
 * only cut the body short (the status line is gone), and is logged. A HEAD ends after the first chunk.
 */
export async function streamBody(
  res: ServerResponse,
  chunks: AsyncIterable<string | Buffer>,
  { signal, stallMs, maxMs }: StreamBodyOptions,
): Promise<StreamOutcome> {
  const it = chunks[Symbol.asyncIterator]();
  let first: IteratorResult<string | Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    await it.return?.();
    throw e;
  }
  // The first chunk was produced, so a HEAD gets the status a GET would; nothing more is.
  if (isHeadRequest(res)) {
    await it.return?.();
    res.end();
    return 'head';
  }
  const cut = new AbortController();
  const stop = signal ? AbortSignal.any([signal, cut.signal]) : cut.signal;
  // A body destroyed before it is first read (the signal already aborted) never starts its
  // generator, whose finally would end the producer: this function does it then.
  let started = false;
  const body = Readable.from(
    (async function* () {
      started = true;
      try {
        if (first.done) return;
        yield first.value;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await it.return?.();
      }
    })(),
    { objectMode: false, highWaterMark: 64 * 1024 },
  );
  const unwatch = watchResponse(res, { stallMs, maxMs }, (reason) => cut.abort(reason));
  // Node 20's pipeline puts seven 'close' listeners of its own on the response, beside the
  // platform's (metrics, body deadline, shutdown, a download's place): a fixed number per answer,
  // not a leak, yet past the default limit it logged a leak warning for every download.
  res.setMaxListeners(res.getMaxListeners() + PIPELINE_LISTENERS);
  try {
    await pipeline(body, res, { signal: stop });
    return 'sent';
  } catch (e) {
    if (!res.destroyed) res.destroy();
    // A client leaving mid-download is ordinary; the reason is enough, not a stack.
    const reason = stop.aborted ? String(stop.reason) : e instanceof Error ? e.message : String(e);
    logger.log({ reason }, 'stream cut short');
    return 'aborted';
  } finally {
    unwatch();
    if (!started) await it.return?.();
  }
}

/**
 * Calls `cut` once a client has read nothing for `stallMs` while a write waits for it, or the
 * response has run past `maxMs` however steadily it reads; returns what stops the watching.
 * For bodies not sent through streamBody (a bundle writer piping into the response).
 */
export function watchResponse(
  res: ServerResponse,
  { stallMs, maxMs }: Pick<StreamBodyOptions, 'stallMs' | 'maxMs'>,
  cut: (reason: Error) => void,
): () => void {
  let lastDrain = Date.now();
  const onDrain = () => (lastDrain = Date.now());
  res.on('drain', onDrain);
  const watchdog = setInterval(
    () => {
      if (res.writableNeedDrain && Date.now() - lastDrain > stallMs) cut(new Error(`the client read nothing for ${stallMs} ms`));
      else if (!res.writableNeedDrain) lastDrain = Date.now();
    },
    Math.max(50, Math.min(1000, stallMs / 4)),
  );
  const overtime = maxMs === undefined ? undefined : setTimeout(() => cut(new Error(`the download ran past ${maxMs} ms`)), maxMs);
  return () => {
    clearInterval(watchdog);
    clearTimeout(overtime);
    res.off('drain', onDrain);
  };
}

export interface UploadLimits {
  /** Bytes the body may have; more → 413 (checked against Content-Length first, then while reading). */
  readonly maxBytes: number;
  /** A body that sends nothing for this long → 408, so a stopped client cannot hold a slot. */
  readonly idleMs: number;
  /**
   * The whole body must arrive within this long → else 408. The idle timer restarts on every
   * chunk, so without this a byte every `idleMs - 1` would hold an import slot indefinitely.
   */
  readonly deadlineMs: number;
  /** Cuts the upload from outside (the lease's shutdown signal) → 503. */
  readonly signal?: AbortSignal;
}

/** 413 naming the limit. */
export class PayloadTooLargeException extends HttpException {
  constructor(maxBytes: number) {
    super(
      {
        code: 'REQUEST.TOO_LARGE',
        message: `请求体超过上限 ${maxBytes} 字节 / the body exceeds the limit of ${maxBytes} bytes`,
        errors: [{ field: 'body', reason: `at most ${maxBytes} bytes` }],
      },
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  }
}

/**
 * Writes a request body to `file`, refusing it past `maxBytes` (413) or when it stalls (408).
 * On every failure, an aborted upload included, the partial file is deleted before this rejects.
 */
export async function receiveUpload(
  req: IncomingMessage,
  file: string,
  { maxBytes, idleMs, deadlineMs, signal }: UploadLimits,
): Promise<number> {
  const res = (req as IncomingMessage & { res?: ServerResponse }).res;
  // A refused body is not read to its end: close the connection after the answer instead.
  const refuse = (e: HttpException) => {
    if (res && !res.headersSent) res.setHeader('Connection', 'close');
    return e;
  };
  // A JSON or form body was read by the app's body parser already: piped on, it would be an empty
  // file, and the import would run on nothing instead of telling the client what it sent wrong.
  if ((req as IncomingMessage & { _body?: boolean })._body === true || req.readableEnded) throw refuse(alreadyParsed(req));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw refuse(new PayloadTooLargeException(maxBytes));
  let bytes = 0;
  let failure: HttpException | undefined;
  const fail = (e: HttpException) => {
    failure ??= refuse(e);
    counter.destroy(failure);
  };
  let idle = setTimeout(() => fail(requestTimeout(idleMs)), idleMs);
  const deadline = setTimeout(() => fail(uploadTooSlow(deadlineMs)), deadlineMs);
  const onShutdown = () => fail(shuttingDown());
  signal?.addEventListener('abort', onShutdown, { once: true });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      clearTimeout(idle);
      if (bytes > maxBytes) return done(refuse(new PayloadTooLargeException(maxBytes)));
      idle = setTimeout(() => fail(requestTimeout(idleMs)), idleMs);
      done(null, chunk);
    },
  });
  try {
    signal?.throwIfAborted();
    await pipeline(req, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return bytes;
  } catch (e) {
    await unlink(file).catch(() => undefined);
    if (e instanceof HttpException) throw e;
    if (failure) throw failure;
    if (signal?.aborted) throw refuse(shuttingDown());
    // The client went away mid-body: nobody reads this answer, but it must not be a 500.
    throw new HttpException({ code: 'REQUEST.ABORTED', message: '上传中断 / the upload was aborted' }, HttpStatus.BAD_REQUEST);
  } finally {
    clearTimeout(idle);
    clearTimeout(deadline);
    signal?.removeEventListener('abort', onShutdown);
  }
}

function alreadyParsed(req: IncomingMessage): HttpException {
  const type = req.headers['content-type'] ?? '(none)';
  return new HttpException(
    {
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      message: `上传内容类型 ${type} 不受支持，请直接发送文件 / an upload is the file itself (text/csv, .xlsx or octet-stream), not ${type}`,
      errors: [{ field: 'content-type', reason: `${type} is not an upload type` }],
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}

function uploadTooSlow(deadlineMs: number): HttpException {
  return new HttpException(
    {
      code: 'REQUEST.TIMEOUT',
      message: `上传未在 ${deadlineMs} 毫秒内完成 / the upload did not finish within ${deadlineMs} ms`,
      errors: [{ field: 'body', reason: `not complete within ${deadlineMs} ms` }],
    },
    HttpStatus.REQUEST_TIMEOUT,
  );
}

function shuttingDown(): HttpException {
  return new HttpException(
    { code: 'SERVICE.SHUTTING_DOWN', message: '服务正在停止，请稍后重试 / the service is stopping; try again shortly' },
    HttpStatus.SERVICE_UNAVAILABLE,
  );
}

function requestTimeout(idleMs: number): HttpException {
  return new HttpException(
    {
      code: 'REQUEST.TIMEOUT',
      message: `上传在 ${idleMs} 毫秒内没有数据 / the upload sent nothing for ${idleMs} ms`,
      errors: [{ field: 'body', reason: `no data for ${idleMs} ms` }],
    },
    HttpStatus.REQUEST_TIMEOUT,
  );
}
