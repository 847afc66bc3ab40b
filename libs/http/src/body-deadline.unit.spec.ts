import { Body, Controller, Module, Post, Req, UseInterceptors, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiConsumes } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import {
  allowBodiesLasting,
  bodyClock,
  bodyDeadline,
  bodyDeadlineFromEnv,
  DEFAULT_BODY_DEADLINE_MS,
  REQUEST_TIMEOUT_GRACE_MS,
} from './body-deadline';
import { configureHttpApp } from './create-app';

class NoteDto {
  @IsString()
  text!: string;
}

const handled: string[] = [];
const DEADLINE_MS = 400;

@Controller('notes')
class NotesController {
  @Post()
  write(@Body() body: NoteDto) {
    handled.push(body.text);
    return body;
  }

  /** Reads its own body with no clock of its own (as multer does), under bodyClock's. */
  @Post('clocked')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(bodyClock(DEADLINE_MS))
  async clocked(@Req() req: IncomingMessage) {
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Buffer).length;
    return { bytes };
  }

  /** Reads its own body, as the uploads do, however long it takes. */
  @Post('upload')
  @ApiConsumes('text/csv')
  async upload(@Req() req: IncomingMessage) {
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Buffer).length;
    return { bytes };
  }
}

@Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })], controllers: [NotesController] })
class NotesModule {}

/** What the server sent back, and whether it closed the connection, by `deadlineMs` at the latest. */
interface Outcome {
  readonly response: string;
  readonly closed: boolean;
}

describe(bodyDeadline.name, () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    configureHttpApp(app, { title: 'test', description: 'test', bodyDeadlineMs: DEADLINE_MS });
    await app.listen(0, '127.0.0.1');
    port = Number(new URL(await app.getUrl()).port);
  });
  afterAll(() => app?.close());
  beforeEach(() => (handled.length = 0));

  /**
   * Sends the head, then `parts` one every `everyMs` (a slow client), and collects the answer
   * until the server closes or `waitMs` passes; the socket is destroyed either way.
   */
  function send(head: string, parts: readonly string[], everyMs: number, waitMs: number, to = port): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(to, '127.0.0.1');
      let response = '';
      let i = 0;
      const trickle = setInterval(() => {
        if (i < parts.length && socket.writable) socket.write(parts[i++]!);
      }, everyMs);
      const finish = (closed: boolean) => {
        clearInterval(trickle);
        clearTimeout(giveUp);
        socket.destroy();
        resolve({ response, closed });
      };
      const giveUp = setTimeout(() => finish(false), waitMs);
      socket.on('data', (d: Buffer) => (response += d.toString('utf8')));
      socket.on('close', () => finish(true));
      socket.on('error', (e) => (response ? undefined : reject(e)));
      socket.write(head);
    });
  }

  const head = (path: string, type: string, length: number) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`;

  it('WhenAJsonBodyTricklesPastTheDeadline_Answers408NamingIt_AndClosesTheConnection', async () => {
    const body = '{"text":"' + 'x'.repeat(200) + '"}';
    // A byte every 20 ms: an idle timer would never fire, the whole body would take 4 s.
    const outcome = await send(head('/notes', 'application/json', body.length), body.split(''), 20, DEADLINE_MS * 8);
    expect(outcome.closed).toBe(true);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.response.toLowerCase()).toContain('connection: close');
    const problem = JSON.parse(outcome.response.slice(outcome.response.indexOf('\r\n\r\n') + 4)) as { code: string; errors: unknown };
    expect(problem).toMatchObject({ code: 'REQUEST.TIMEOUT', errors: [{ field: 'body' }] });
    expect(handled).toEqual([]);
  });

  it('WhenAFormBodyStopsHalfWay_Answers408AndClosesTheConnection', async () => {
    const outcome = await send(head('/notes', 'application/x-www-form-urlencoded', 100), ['text=hal'], 10, DEADLINE_MS * 8);
    expect(outcome.closed).toBe(true);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('WhenAJsonBodyDeclaresMoreThanTheParserTakes_Answers413AtOnce_WithoutWaitingForIt', async () => {
    const outcome = await send(head('/notes', 'application/json', 50_000_000), ['{'], 1_000, DEADLINE_MS / 2);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(outcome.response).toContain('REQUEST.TOO_LARGE');
    expect(outcome.closed).toBe(true);
  });

  it('WhenAChunkedJsonBodyPassesTheLimit_Answers413NamingTheBodyInBothLanguages (the parser counts it as it reads)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A stream: sent chunked, with no Content-Length to refuse it by.
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(`{"text":"${'x'.repeat(300 * 1024)}"}`));
          c.close();
        },
      }),
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      code: 'REQUEST.TOO_LARGE',
      message: expect.stringMatching(/^请求体超过上限.* \/ the body exceeds the limit/),
      errors: [{ field: 'body' }],
    });
  });

  it('WhenTheBodyArrivesInTime_ItIsReadAsBefore_AndTheConnectionIsKept', async () => {
    // A deadline of its own with room for a loaded machine: at 400 ms a CI run beside the Java
    // start-ups once stalled the event loop past it, and the expired timer ran before the data
    // already there was read (timers come first in Node's loop). Whether a late body is refused is
    // the other tests' question; this one's is that a body in time is read and the connection kept.
    const roomyMs = 2_000;
    const ref = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    const roomy = ref.createNestApplication({ logger: false });
    configureHttpApp(roomy, { title: 'test', description: 'test', bodyDeadlineMs: roomyMs });
    await roomy.listen(0, '127.0.0.1');
    try {
      const to = Number(new URL(await roomy.getUrl()).port);
      const body = '{"text":"hello"}';
      const outcome = await send(head('/notes', 'application/json', body.length), [body.slice(0, 5), body.slice(5)], 50, roomyMs * 1.5, to);
      expect(outcome.response).toMatch(/^HTTP\/1\.1 201 /);
      // Keep-alive: nothing closed it while we waited past the deadline.
      expect(outcome.closed).toBe(false);
      expect(handled).toEqual(['hello']);
    } finally {
      await roomy.close();
    }
  });

  it('WhenABodyIsAnsweredBeforeItArrives_TheConnectionIsClosedAfterTheAnswer_NotDrainedForAsLongAsTheClientTakes', async () => {
    // 415 (a type no parser reads), 404 (no such route), 401-like refusals: answered without reading the body.
    for (const [path, type, status] of [
      ['/notes', 'text/plain', 415],
      ['/nowhere', 'application/octet-stream', 404],
    ] as const) {
      const outcome = await send(head(path, type, 10_000), ['x', 'x', 'x', 'x', 'x', 'x'], 100, DEADLINE_MS * 5);
      expect([path, outcome.response.slice(0, 12)]).toEqual([path, `HTTP/1.1 ${status}`]);
      expect(outcome.response.toLowerCase()).toContain('connection: close');
      expect([path, outcome.closed]).toEqual([path, true]);
    }
  });

  it('WhenARouteWhoseReaderKeepsNoClockHasBodyClock_ATricklingUploadIsAnswered408AndClosed', async () => {
    const outcome = await send(head('/notes/clocked', 'multipart/form-data; boundary=x', 200), ['-', '-', 'x'], 150, DEADLINE_MS * 5);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.closed).toBe(true);
    const quick = await send(head('/notes/clocked', 'multipart/form-data; boundary=x', 5), ['--x--'], 10, DEADLINE_MS * 2);
    expect(quick.response).toMatch(/^HTTP\/1\.1 201 /);
  });

  it('WhenARouteReadsItsOwnBody_TheDeadlineDoesNotCutIt_ItsOwnLimitsDo', async () => {
    const parts = Array.from({ length: 12 }, () => 'a,b\r\n');
    const outcome = await send(head('/notes/upload', 'text/csv', parts.join('').length), parts, DEADLINE_MS / 4, DEADLINE_MS * 5);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 201 /);
    expect(outcome.response).toContain('{"bytes":60}');
  });

  it('SetsNodesOwnRequestTimeoutJustPastTheDeadline_SoABodyNoRouteReadsIsNotWaitedForFiveMinutes', () => {
    const server = app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(server.headersTimeout + DEADLINE_MS + REQUEST_TIMEOUT_GRACE_MS);
  });

  it('RaisesTheRequestTimeoutForALongerBody_NeverLowersIt', () => {
    const server = { requestTimeout: 95_000, headersTimeout: 60_000 } as Server;
    allowBodiesLasting(server, 600_000);
    expect(server.requestTimeout).toBe(60_000 + 600_000 + REQUEST_TIMEOUT_GRACE_MS);
    allowBodiesLasting(server, 1_000);
    expect(server.requestTimeout).toBe(60_000 + 600_000 + REQUEST_TIMEOUT_GRACE_MS);
  });

  it('ReadsItsDeadlineFromTheEnvironment_AndRefusesANonsenseOne', () => {
    expect(bodyDeadlineFromEnv({})).toBe(DEFAULT_BODY_DEADLINE_MS);
    expect(bodyDeadlineFromEnv({ VANGUARD_BODY_DEADLINE_MS: '5000' })).toBe(5000);
    for (const bad of ['0', '-1', '1e3', 'soon', String(2 ** 31)]) {
      expect(() => bodyDeadlineFromEnv({ VANGUARD_BODY_DEADLINE_MS: bad })).toThrow('VANGUARD_BODY_DEADLINE_MS');
    }
  });
});
