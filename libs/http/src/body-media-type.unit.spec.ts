import { Body, Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiConsumes } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import { request } from 'node:http';
import { API_CONSUMES } from './body-media-type';
import { configureHttpApp } from './create-app';

class NoteDto {
  @IsString()
  text!: string;
}

const uploads: string[] = [];

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
  @ApiConsumes('text/csv; charset=utf-8', 'application/octet-stream')
  upload() {
    uploads.push('read');
    return { ok: true };
  }
}

@Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })], controllers: [NotesController] })
class NotesModule {}

describe('a body in a media type its route does not take', () => {
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

  const post = (path: string, body: string | undefined, contentType?: string) =>
    fetch(`${base}/notes${path}`, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });

  it('WhenAJsonRouteIsSentTextFormsOrNoType_Answers415NamingContentType_NotA400AboutFieldsItWasSent', async () => {
    for (const [type, body] of [
      ['text/plain', '{"text":"hello"}'],
      ['application/x-www-form-urlencoded', 'text=hello'],
      ['multipart/form-data; boundary=x', '--x--'],
      // Express's JSON parser leaves these unread, so the DTO would see nothing.
      ['application/merge-patch+json', '{"text":"hello"}'],
      [undefined, '{"text":"hello"}'],
    ] as const) {
      const r = await post('', body, type);
      expect([type, r.status]).toEqual([type, 415]);
      const problem = (await r.json()) as { code: string; errors: { field: string }[] };
      expect(problem.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'content-type' })]);
    }
  });

  it('WhenJsonComesAsApplicationJsonWithAnyParameters_ItIsReadAndValidatedAsBefore', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
      const r = await post('', '{"text":"hello"}', type);
      expect([type, r.status, await r.json()]).toEqual([type, 201, { text: 'hello' }]);
    }
    expect((await post('', '{"text":1}', 'application/json')).status).toBe(400);
  });

  it('WhenThereIsNoBody_TheTypeIsNotAsked', async () => {
    expect((await post('/nothing', undefined)).status).toBe(201);
    expect((await post('/nothing', undefined, 'text/plain')).status).toBe(201);
  });

  it('WhenARouteListsItsTypes_ItTakesThoseWhateverTheirParameters_AndRefusesJsonBeforeItsHandlerRuns', async () => {
    uploads.length = 0;
    expect((await post('/upload', 'a,b\r\n', 'text/csv')).status).toBe(201);
    expect((await post('/upload', 'a,b\r\n', 'text/csv; charset=utf-8')).status).toBe(201);
    expect((await post('/upload', 'PK', 'application/octet-stream')).status).toBe(201);
    const json = await post('/upload', '{"a":1}', 'application/json');
    expect(json.status).toBe(415);
    expect(JSON.stringify(await json.json())).toContain('text/csv, application/octet-stream');
    expect(uploads).toEqual(['read', 'read', 'read']);
  });

  it('WhenTheBodyIsChunked_ItIsABodyToo', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/notes`, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"text":');
      req.end('"hello"}');
    });
    expect(status).toBe(415);
  });

  it('WhenTheHeaderIsLong_TheAnswerQuotesOnlyItsStart', async () => {
    const r = await post('', 'x', `text/${'a'.repeat(5_000)}`);
    expect(r.status).toBe(415);
    expect((await r.text()).length).toBeLessThan(1_000);
  });

  it('ReadsTheKeyApiConsumesWrites, so the OpenAPI document and the check are one list', () => {
    class Probe {
      @ApiConsumes('text/csv')
      m() {}
    }
    expect(Reflect.getMetadata(API_CONSUMES, Probe.prototype.m)).toEqual(['text/csv']);
  });
});
