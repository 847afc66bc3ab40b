import {
  Controller,
  Get,
  Module,
  Post,
  Query,
  Req,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ApiQuery } from '@nestjs/swagger';
import { PUBLIC_KEY, Public } from '@vanguard/auth';
import { IsOptional, IsString } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import { configureHttpApp } from './create-app';
import { API_PARAMETERS } from './known-query-parameters';
import { idempotencyProviders } from './idempotency';
import { claimRecordingStore } from './testing';

class FilterDto {
  @IsOptional()
  @IsString()
  name?: string;
}

const claims: string[] = [];
const store = claimRecordingStore(claims);

/** Stands where AuthGuard stands (an APP_GUARD): a token is asked before anything else. */
class TokenGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string>; principal?: { sub: string } }>();
    if (req.headers['authorization'] !== 'Bearer t') throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: 'token' });
    req.principal = { sub: 'caller' };
    return true;
  }
}

@Controller('things')
class ThingsController {
  @Get('plain')
  plain() {
    return { ok: true };
  }

  @Get('named')
  named(@Query('limit') limit?: string) {
    return { limit };
  }

  @Get('filtered')
  filtered(@Query() q: FilterDto) {
    return q;
  }

  @Get('own')
  @ApiQuery({ name: 'from', required: false })
  own(@Req() req: { query: Record<string, unknown> }) {
    return req.query;
  }

  @Get('page')
  @Public()
  page() {
    return { ok: true };
  }

  @Post('make')
  make() {
    return { ok: true };
  }
}

@Module({
  imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })],
  controllers: [ThingsController],
  providers: [
    ...idempotencyProviders([], () => store),
    { provide: APP_GUARD, inject: [Reflector], useFactory: (r: Reflector) => new TokenGuard(r) },
  ],
})
class ThingsModule {}

describe('a query parameter the route does not take', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [ThingsModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    configureHttpApp(app, { title: 'test', description: 'test', shutdownHooks: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  const signedIn = { authorization: 'Bearer t' };
  const get = async (path: string, headers: Record<string, string> = signedIn) => {
    const r = await fetch(`${base}/things${path}`, { headers });
    return { status: r.status, body: (await r.json()) as { code?: string; errors?: { field: string; reason: string }[] } };
  };

  it('is refused 400 naming it on a route that takes none, and the route answers without it', async () => {
    const refused = await get('/plain?asOf=2020-01-01');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'REQUEST.INVALID',
      errors: [{ field: 'asOf', reason: expect.stringContaining('it takes none') }],
    });
    expect((await get('/plain')).status).toBe(200);
    expect((await get('/plain?')).status).toBe(200);
    expect((await get('/plain?=x')).body.errors).toEqual([{ field: '(empty)', reason: expect.stringContaining('parameter (empty)') }]);
  });

  it('is refused beside the ones a route names, which pass', async () => {
    expect(await get('/named?limit=5')).toEqual({ status: 200, body: { limit: '5' } });
    const refused = await get('/named?limit=5&limt=6');
    expect([refused.status, refused.body.errors]).toEqual([400, [{ field: 'limt', reason: expect.stringContaining('it takes limit') }]]);
    expect((await get('/own?from=3')).status).toBe(200);
    expect((await get('/own?from=3&to=4')).body.errors).toEqual([{ field: 'to', reason: expect.stringContaining('it takes from') }]);
  });

  it('is left to the DTO where the route takes a query object, which answers as before', async () => {
    expect(await get('/filtered?name=a')).toEqual({ status: 200, body: { name: 'a' } });
    const refused = await get('/filtered?nmae=a');
    expect([refused.status, refused.body.errors]).toEqual([
      400,
      [{ field: 'nmae', reason: '不接受该字段 / property nmae should not exist' }],
    ]);
  });

  it('is let by on a public route, whose links apps share with their own parameters appended', async () => {
    expect((await get('/page?from=singlemessage&isappinstalled=0', {})).status).toBe(200);
  });

  it('is not judged before the caller is: no token is 401 first', async () => {
    expect(await get('/plain?asOf=2020-01-01', {})).toMatchObject({ status: 401, body: { code: 'AUTH.TOKEN_MISSING' } });
  });

  it('is named by the text check when its name holds a control character, as on a DTO’s route', async () => {
    for (const path of ['/plain?a%07b=1', '/filtered?a%07b=1']) {
      const refused = await get(path);
      expect([path, refused.status, refused.body.errors![0]]).toEqual([path, 400, expect.objectContaining({ field: '(keys)' })]);
    }
  });

  it('is named bounded and without format characters, however it was sent', async () => {
    const refused = await get(`/plain?${encodeURIComponent(`a\u200b${'b'.repeat(500)}`)}=1`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0]!.field).toBe(`a?${'b'.repeat(62)}`);
  });

  it('claims no idempotency key when refused', async () => {
    claims.length = 0;
    const r = await fetch(`${base}/things/make?dryRun=1`, { method: 'POST', headers: { ...signedIn, 'idempotency-key': 'k-1' } });
    expect(r.status).toBe(400);
    expect(claims).toEqual([]);
    expect((await fetch(`${base}/things/make`, { method: 'POST', headers: { ...signedIn, 'idempotency-key': 'k-2' } })).status).toBe(201);
    expect(claims).toEqual(['k-2']);
  });

  it('reads the key ApiQuery writes', () => {
    class Probe {
      @ApiQuery({ name: 'from', required: false })
      m() {}
    }
    expect(Reflect.getMetadata(API_PARAMETERS, Probe.prototype.m)).toEqual([expect.objectContaining({ name: 'from', in: 'query' })]);
  });
});
