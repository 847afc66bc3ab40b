import { Body, Controller, Get, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiForbiddenResponse, type OpenAPIObject } from '@nestjs/swagger';
import { ApiRefusals } from './refusals';
import { IsString } from 'class-validator';
import { openApiDocument } from './create-app';
import { documentProblemResponses } from './problem-responses';

class NoteDto {
  @IsString()
  text!: string;
}

@Controller('public')
class OpenController {
  @Get()
  page() {
    return { ok: true };
  }

  @Post(':id/ballots')
  @ApiForbiddenResponse({ description: 'BALLOT.CODE_REFUSED' })
  cast(@Param('id') id: string, @Body() body: NoteDto) {
    return { id, body };
  }
}

@ApiBearerAuth()
@Controller('notes')
class NotesController {
  @Get(':id')
  read(@Param('id') id: string) {
    return { id };
  }

  @Post()
  write(@Body() body: NoteDto) {
    return body;
  }

  @Get()
  list() {
    return [];
  }

  @Post(':id/sign')
  @ApiRefusals({ 403: ['NOTE.NOT_AUTHOR: only its author signs'] })
  sign(@Param('id') id: string) {
    return { id };
  }

  @Post('upload')
  @ApiConsumes('text/csv', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload() {
    return { ok: true };
  }
}

@Module({ controllers: [OpenController, NotesController] })
class NotesModule {}

const statuses = (doc: OpenAPIObject, path: string, method: 'get' | 'post') => Object.keys(doc.paths[path]![method]!.responses).sort();

describe(documentProblemResponses.name, () => {
  let app: INestApplication;
  let sut: OpenAPIObject;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    sut = openApiDocument(app, { title: 'notes', description: 'notes' });
  });
  afterAll(() => app?.close());

  it('adds the Problem schema, and each shared response refers to it', () => {
    expect(sut.components?.schemas?.['Problem']).toMatchObject({ required: ['statusCode', 'code', 'message'] });
    for (const response of Object.values(sut.components?.responses ?? {}))
      expect(response).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  });

  it('gives a signed-in JSON command every shared refusal', () => {
    expect(statuses(sut, '/notes', 'post')).toEqual(['201', '400', '401', '403', '408', '413', '415', '503']);
    expect(sut.paths['/notes']!.post!.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
  });

  it('gives a signed-in read without a body no body refusals', () => {
    expect(statuses(sut, '/notes/{id}', 'get')).toEqual(['200', '400', '401', '403', '503']);
  });

  it('gives a signed-in read without parameters a 400: a parameter it does not take is refused', () => {
    expect(statuses(sut, '/notes', 'get')).toEqual(['200', '400', '401', '403', '503']);
  });

  it('gives an upload 415 too: it refuses a body not of the media types it lists', () => {
    expect(statuses(sut, '/notes/upload', 'post')).toEqual(['201', '400', '401', '403', '408', '413', '415', '503']);
  });

  it('gives a public route no 401 or 403, and one without parameters no 400', () => {
    expect(statuses(sut, '/public', 'get')).toEqual(['200', '503']);
  });

  it('keeps a response the operation declares itself', () => {
    const ownForbidden = sut.paths['/public/{id}/ballots']!.post!.responses['403'];
    expect(ownForbidden).toEqual({ description: 'BALLOT.CODE_REFUSED' });
    expect(statuses(sut, '/public/{id}/ballots', 'post')).not.toContain('401');
  });

  it('lists a signed-in route’s own 403 beside the role and scope refusals every signed-in route shares', () => {
    const forbidden = sut.paths['/notes/{id}/sign']!.post!.responses['403'] as { description: string };
    expect(forbidden.description).toMatch(/^NOTE\.NOT_AUTHOR: only its author signs; AUTH\.ROLE_REQUIRED: .*AUTH\.OUT_OF_SCOPE: /);
    expect(sut.paths['/notes']!.get!.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
  });

  it('appends the shared refusals to a route’s own 403 once, however often the document is passed through', () => {
    const again = structuredClone(sut);
    documentProblemResponses(again);
    const forbidden = again.paths['/notes/{id}/sign']!.post!.responses['403'] as { description: string; content?: object };
    expect(forbidden.description.split('AUTH.ROLE_REQUIRED').length).toBe(2);
    expect(forbidden.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } });
  });

  it('keeps the schemas and responses a document had', () => {
    const doc: OpenAPIObject = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { Note: { type: 'object' } }, responses: { Gone: { description: 'gone' } } },
    };
    documentProblemResponses(doc);
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(['Note', 'Problem']);
    expect(doc.components?.responses?.['Gone']).toEqual({ description: 'gone' });
  });
});
