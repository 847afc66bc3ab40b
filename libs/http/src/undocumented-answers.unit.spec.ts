import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BadRequestException,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  Module,
  NotFoundException,
  Param,
  Post,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBearerAuth, ApiExcludeEndpoint, type OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { openApiDocument } from './create-app';
import { ProblemFilter } from './problem.filter';
import { ApiRefusals } from './refusals';
import { documentPath, undocumentedAnswer, undocumentedAnswersFromEnv, type UndocumentedAnswer } from './undocumented-answers';

@ApiBearerAuth()
@Controller('notes')
class NotesController {
  @Post(':id/seal')
  @ApiRefusals({ 409: ['NOTE.SEALED: sealed already'] })
  seal(@Param('id') id: string) {
    if (id === 'absent' || id === 'gone') throw new NotFoundException({ code: 'NOTE.NOT_FOUND', message: 'no such note' });
    throw new ConflictException({ code: id === 'sealed' ? 'NOTE.SEALED' : 'NOTE.LOCKED', message: 'not now' });
  }

  @Post(':id/sign')
  @ApiRefusals({ 403: ['NOTE.NOT_AUTHOR: only its author signs'] })
  sign(@Param('id') id: string) {
    throw new ForbiddenException({
      code: id === 'theirs' ? 'NOTE.NOT_AUTHOR' : id === 'role' ? 'AUTH.ROLE_REQUIRED' : 'NOTE.NOT_OWNER',
      message: 'no',
    });
  }

  @Post(':id/burn')
  burn() {
    throw new ForbiddenException({ code: 'NOTE.NOT_OWNER', message: 'no' });
  }

  @Post(':id/title')
  title(@Param('id') id: string) {
    const reason =
      id === 'english'
        ? 'title must be a string'
        : id === 'quoted'
          ? 'property 标题 should not exist'
          : id === 'named'
            ? `${id} 不在本库中 / ${id} is not here`
            : '须为文本 / title must be a string';
    throw new BadRequestException({ code: 'REQUEST.INVALID', message: 'bad', errors: [{ field: 'title', reason }] });
  }

  @Get('health')
  @ApiExcludeEndpoint()
  health() {
    throw new ConflictException({ code: 'HEALTH.DOWN', message: 'down' });
  }

  @Get('boom')
  boom() {
    throw new Error('a fault, not a refusal');
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

describe('undocumented answers (ADR 0156)', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;
  let dir: string;
  const noted = (): UndocumentedAnswer[] =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
          .map((l) => JSON.parse(l) as UndocumentedAnswer)
      : [];

  beforeAll(async () => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'noted');
    const ref = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    // As configureHttpApp wires it: the filter first, then the document it is told of.
    const problems = new ProblemFilter();
    app.useGlobalFilters(problems);
    doc = openApiDocument(app, { title: 'notes', description: 'notes' });
    problems.noteAnswersIn(undocumentedAnswersFromEnv(doc, dir));
    await app.init();
  });
  afterAll(() => app?.close());

  it('notes a status the operation does not list, or a code its status does not name; not a listed one, an excluded route, a 500 or an unrouted path', async () => {
    const http = () => request(app.getHttpServer());
    await http().post('/notes/sealed/seal').expect(409);
    await http().post('/notes/absent/seal').expect(404);
    await http().post('/notes/gone/seal').expect(404);
    await http().post('/notes/locked/seal').expect(409);
    await http().get('/notes/health').expect(409);
    await http().get('/notes/boom').expect(500);
    await http().get('/nowhere').expect(404);

    const seal = { operationId: 'NotesController_seal', method: 'POST', path: '/notes/{id}/seal' };
    expect(noted()).toEqual([
      { ...seal, status: 404, code: 'NOTE.NOT_FOUND', missing: 'status' },
      { ...seal, status: 404, code: 'NOTE.NOT_FOUND', missing: 'status' },
      { ...seal, status: 409, code: 'NOTE.LOCKED', missing: 'code' },
    ]);
    expect(doc.paths['/notes/{id}/seal']!.post!.responses['409']).toEqual({
      description: 'NOTE.SEALED: sealed already',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  });

  it('takes a 403 code as the route’s own: named by its refusals or by the role and scope refusals every signed-in route shares', async () => {
    const before = noted().length;
    const http = () => request(app.getHttpServer());
    await http().post('/notes/theirs/sign').expect(403);
    await http().post('/notes/role/sign').expect(403);
    await http().post('/notes/other/sign').expect(403);
    await http().post('/notes/x/burn').expect(403);
    expect(noted().slice(before)).toEqual([
      {
        operationId: 'NotesController_sign',
        method: 'POST',
        path: '/notes/{id}/sign',
        status: 403,
        code: 'NOTE.NOT_OWNER',
        missing: 'code',
      },
      {
        operationId: 'NotesController_burn',
        method: 'POST',
        path: '/notes/{id}/burn',
        status: 403,
        code: 'NOTE.NOT_OWNER',
        missing: 'code',
      },
    ]);
  });

  it('notes a 400 field reason that does not start in Chinese, naming the field; not one that does', async () => {
    const before = noted().length;
    const http = () => request(app.getHttpServer());
    await http().post('/notes/chinese/title').expect(400);
    await http().post('/notes/named/title').expect(400);
    await http().post('/notes/english/title').expect(400);
    await http().post('/notes/quoted/title').expect(400);
    const english = {
      operationId: 'POST /notes/{id}/title',
      method: 'POST',
      path: '/notes/{id}/title',
      status: 400,
      code: 'REQUEST.INVALID title',
      missing: 'chinese',
    };
    // English that only quotes Chinese is English; a Chinese first half after a name is Chinese.
    expect(noted().slice(before)).toEqual([english, english]);
  });

  it('reads a route as the document writes it, and a default response as listing every status', () => {
    expect(documentPath('/campaigns/:id/cycles/:cycleId/open')).toBe('/campaigns/{id}/cycles/{cycleId}/open');
    const withDefault: OpenAPIObject = {
      ...doc,
      paths: { '/x/{id}': { get: { operationId: 'x', responses: { default: { description: 'anything' } } } } },
    };
    expect(undocumentedAnswer(withDefault, { method: 'GET', route: { path: '/x/:id' } }, 418, 'TEAPOT')).toBeUndefined();
    expect(undocumentedAnswer(doc, { method: 'GET' }, 404, 'X')).toBeUndefined();
  });

  it('takes a code named whole only, and reads a HEAD as the GET it is routed to', () => {
    const at = (description: string): OpenAPIObject => ({
      ...doc,
      paths: { '/r/{id}': { get: { operationId: 'r', responses: { '200': { description: 'ok' }, '404': { description } } } } },
    });
    const head = { method: 'HEAD', route: { path: '/r/:id' } };
    const missing = (description: string, code: string) => undocumentedAnswer(at(description), head, 404, code)?.missing;

    expect(missing('MONTHLY_REVIEW.NOT_FOUND: no such zone', 'REVIEW.NOT_FOUND')).toBe('code');
    expect(missing('REVIEW.NOT_FOUND.LATER: a longer code', 'REVIEW.NOT_FOUND')).toBe('code');
    expect(missing('REVIEW.NOT_FOUNDS', 'REVIEW.NOT_FOUND')).toBe('code');
    expect(missing('REVIEW.NOT_FOUND: no such review', 'REVIEW.NOT_FOUND')).toBeUndefined();
    expect(missing('MEMBER.GONE; REVIEW.NOT_FOUND.', 'REVIEW.NOT_FOUND')).toBeUndefined();
    expect(undocumentedAnswer(at('X.Y'), head, 409, 'X.Y')).toMatchObject({ method: 'GET', missing: 'status' });
  });

  it('marks the directory as soon as the notes are on, so a run that noted nothing can tell it was checking', () => {
    expect(fs.readdirSync(dir)).toContain(`${process.pid}.noting`);
  });

  it('notes nothing without a directory', () => {
    expect(undocumentedAnswersFromEnv(doc, '')).toBeUndefined();
  });
});
