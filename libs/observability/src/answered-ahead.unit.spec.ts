import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoLogger } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answeredAheadReceipts, recordAnsweredAhead } from './answered-ahead';

// The access line of a read answered ahead of Express goes through the service's root logger,
// which carries pino-http's request and response serializers: the line must still say what was
// answered to whom (a hostile pass found every such line with statusCode null and no address).
describe(answeredAheadReceipts.name, () => {
  // nestjs-pino sets the root logger when its module starts; here the test sets it.
  const settable = PinoLogger as unknown as { root: unknown };
  const root = settable.root;
  afterEach(() => {
    settable.root = root;
  });

  it('WhenAReadIsAnsweredAhead_LogsItsStatusAddressAndCorrelationIdThroughTheSerializers', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    settable.root = pino({ level: 'info', serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res } }, sink);
    answeredAheadReceipts().log?.({
      correlationId: 'c-1',
      method: 'GET',
      url: '/honour-roll',
      remoteAddress: '10.0.0.9',
      client: '10.0.0.9',
      statusCode: 304,
      responseTime: 1,
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'request completed',
      correlationId: 'c-1',
      method: 'GET',
      url: '/honour-roll',
      remoteAddress: '10.0.0.9',
      client: '10.0.0.9',
      statusCode: 304,
    });
  });

  it('WhenAReadIsRecorded_TheLineNamesTheClientItsLimitJudged', () => {
    const lines: { client?: string; remoteAddress?: string }[] = [];
    const req = { method: 'GET', url: '/honour-roll', socket: { remoteAddress: '10.0.0.9' }, headers: {} };
    recordAnsweredAhead(
      { log: (line) => lines.push(line) },
      req as unknown as IncomingMessage,
      { statusCode: 200 } as ServerResponse,
      '/honour-roll',
      'c-2',
      performance.now(),
      '203.0.113.7',
    );
    expect(lines).toEqual([expect.objectContaining({ remoteAddress: '10.0.0.9', client: '203.0.113.7' })]);
  });
});
