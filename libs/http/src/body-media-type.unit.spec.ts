import { Body, Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiConsumes } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import { request } from 'node:http';
import { API_CONSUMES } from './body-media-type';
import { configureHttpApp } from './create-app';
import { idempotencyProviders } from './idempotency';
import { claimRecordingStore } from './testing';

class NoteDto {
  @IsString()
  text!: string;
}

const uploads: string[] = [];
const claims: string[] = [];

/** Records claims only: the order test needs to see that a refused body claimed no key. */
const store = claimRecordingStore(claims);

@Controller('notes')
class NotesController {
  @Post()
  write(@Body() body: NoteDto) {
    return body;
  }

  @Post('nothing')
  nothing() {
    return { ok: true };
  }

  @Post('upload')
  @ApiConsumes('text/csv', 'application/octet-stream')
  upload() {
    uploads.push('read');
    return { ok: true };
  }
}

@Module({
  imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })],
  controllers: [NotesController],
  providers: idempotencyProviders([], () => store),
})
class NotesModule {}

describe('a body no parser of the app reads', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    configureHttpApp(app, { title: 'test', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  const post = (path: string, body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${base}/notes${path}`, { method: 'POST', headers, body });

  it('WhenABodyRouteIsSentTextMultipartOrNoType_Answers415NamingContentType_NotA400AboutFieldsItWasSent', async () => {
    for (const [type, body] of [
      ['text/plain', '{"text":"hello"}'],
      ['multipart/form-data; boundary=x', '--x--'],
      // Express's JSON parser leaves these unread, so the DTO would see nothing.
      ['application/merge-patch+json', '{"text":"hello"}'],
      // Express parses a form, but no document lists it and no client sends it.
      ['application/x-www-form-urlencoded', 'text=hello'],
      [undefined, '{"text":"hello"}'],
    ] as const) {
      const r = await post('', body, type ? { 'content-type': type } : {});
      expect([type, r.status]).toEqual([type, 415]);
      const problem = (await r.json()) as { code: string; errors: { field: string }[] };
      expect(problem.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'content-type' })]);
    }
  });

  it('WhenTheBodyIsJson_ItIsReadAndValidatedAsBefore', async () => {
    for (const [type, body] of [
      ['application/json', '{"text":"hello"}'],
      ['application/json; charset=utf-8', '{"text":"hello"}'],
      ['Application/JSON', '{"text":"hello"}'],
    ] as const) {
      const r = await post('', body, { 'content-type': type });
      expect([type, r.status, await r.json()]).toEqual([type, 201, { text: 'hello' }]);
    }
    expect((await post('', '{"text":1}', { 'content-type': 'application/json' })).status).toBe(400);
  });

  it('WhenThereIsNoBody_OrAnEmptyChunkedOneWithoutAType_TheTypeIsNotAsked', async () => {
    expect((await post('/nothing', undefined)).status).toBe(201);
    expect((await post('/nothing', undefined, { 'content-type': 'text/plain' })).status).toBe(201);
    expect(await chunked('/notes/nothing', {}, [])).toBe(201);
  });

  it('WhenARouteReadsItsOwnBody_ItsReaderDecides_WhateverTheLabel', async () => {
    uploads.length = 0;
    for (const type of ['text/csv', 'application/vnd.ms-excel', 'application/zip', 'text/plain']) {
      expect([type, (await post('/upload', 'a,b\r\n', { 'content-type': type })).status]).toEqual([type, 201]);
    }
    expect((await post('/upload', 'a,b\r\n')).status).toBe(201);
    expect(uploads).toHaveLength(5);
  });

  it('WhenTheBodyIsChunkedAndTyped_ItIsABodyToo', async () => {
    expect(await chunked('/notes', { 'content-type': 'text/plain' }, ['{"text":', '"hello"}'])).toBe(415);
  });

  it('WhenAnIdempotencyKeyComesWithABodyNoParserReads_Answers415AndClaimsNoKey', async () => {
    claims.length = 0;
    const r = await post('', '{"text":"hello"}', { 'content-type': 'text/plain', 'idempotency-key': 'k-1' });
    expect(r.status).toBe(415);
    expect(claims).toEqual([]);
  });

  it('WhenTheHeaderIsLong_TheAnswerQuotesOnlyItsStart', async () => {
    const r = await post('', 'x', { 'content-type': `text/${'a'.repeat(5_000)}` });
    expect(r.status).toBe(415);
    expect((await r.text()).length).toBeLessThan(1_000);
  });

  it('ReadsTheKeyApiConsumesWrites', () => {
    class Probe {
      @ApiConsumes('text/csv')
      m() {}
    }
    expect(Reflect.getMetadata(API_CONSUMES, Probe.prototype.m)).toEqual(['text/csv']);
  });

  function chunked(path: string, headers: Record<string, string>, parts: readonly string[]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const req = request(`${base}${path}`, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (const p of parts) req.write(p);
      req.end();
    });
  }
});
