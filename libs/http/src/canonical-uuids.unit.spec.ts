import { randomUUID } from 'node:crypto';
import {
  Req,
  Body,
  Controller,
  Get,
  Module,
  Param,
  Post,
  Query,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { configureHttpApp } from './create-app';
import { canonicalUrl, IsUuid, lowerCaseUuids } from './canonical-uuids';

const seenByGuard: { params?: unknown; query?: unknown }[] = [];

class RecordingGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ params: unknown; query: unknown }>();
    seenByGuard.push({ params: { ...(req.params as object) }, query: { ...(req.query as object) } });
    return true;
  }
}

class ThingDto {
  @IsUuid()
  orgId!: string;

  @IsUuid('all', { each: true })
  memberIds!: string[];
}

@Controller('things')
class ThingsController {
  @Get(':streamId')
  @UseGuards(RecordingGuard)
  read(@Param('streamId') streamId: string, @Query('orgId') orgId: string, @Req() req: { originalUrl: string }) {
    return { streamId, orgId, originalUrl: req.originalUrl };
  }

  @Post()
  write(@Body() body: ThingDto) {
    return body;
  }
}

@Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })], controllers: [ThingsController] })
class ThingsModule {}

describe('UUIDs are lower-cased at the edge', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [ThingsModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    configureHttpApp(app, { title: 'test', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  it('WhenThePathAndQueryCarryUpperCaseIds_GuardsAndHandlersSeeThemLowerCased', async () => {
    const id = randomUUID();
    const org = randomUUID();
    seenByGuard.length = 0;
    const r = await fetch(`${base}/things/nomination-${id.toUpperCase()}?orgId=${org.toUpperCase()}`);
    expect(r.status).toBe(200);
    // The original URL too: the idempotency fingerprint and the access log read it.
    expect(await r.json()).toEqual({ streamId: `nomination-${id}`, orgId: org, originalUrl: `/things/nomination-${id}?orgId=${org}` });
    expect(seenByGuard).toEqual([{ params: { streamId: `nomination-${id}` }, query: { orgId: org } }]);
  });

  it('WhenAnIdIsPercentEncoded_GuardsAndHandlersSeeItDecodedAndLowerCased', async () => {
    const id = randomUUID();
    const org = randomUUID();
    const encoded = (u: string) =>
      [...u.toUpperCase()].map((c, i) => (i % 3 === 0 ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c)).join('');
    seenByGuard.length = 0;
    const r = await fetch(`${base}/things/nomination-${encoded(id)}?orgId=${encoded(org)}`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ streamId: `nomination-${id}`, orgId: org, originalUrl: `/things/nomination-${id}?orgId=${org}` });
    expect(seenByGuard).toEqual([{ params: { streamId: `nomination-${id}` }, query: { orgId: org } }]);
  });

  it('WhenABodyCarriesUpperCaseIds_TheDtoHoldsThemLowerCased_AndANonUuidIsStillRefused', async () => {
    const [org, a, b] = [randomUUID(), randomUUID(), randomUUID()];
    const post = (body: unknown) =>
      fetch(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post({ orgId: org.toUpperCase(), memberIds: [a.toUpperCase(), b] });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ orgId: org, memberIds: [a, b] });
    const bad = await post({ orgId: 'NOT-A-UUID', memberIds: [a] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('orgId');
  });
});

describe(lowerCaseUuids.name, () => {
  it('WhenGivenRandomTextAroundIds_LowerCasesExactlyTheStandaloneUuids', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pieces = ['/orgs/', '?a=', '&b=', 'nomination-', 'X', 'ABC', '-', '9', '%20', '/'];
    for (let i = 0; i < 2_000; i++) {
      const parts: { text: string; lowered: string }[] = [];
      for (let k = 0; k < 6; k++) {
        const id = randomUUID();
        const upper = next(2) === 0 ? id.toUpperCase() : id;
        const glue = pieces[next(pieces.length)]!;
        parts.push({ text: glue, lowered: glue }, { text: upper, lowered: id });
      }
      const text = parts.map((p) => p.text).join('');
      // The independent expectation: an id glued to a letter or digit is not standing alone and keeps its case.
      const expected = parts
        .map((p, j) => {
          const before = parts[j - 1]?.text.slice(-1) ?? '';
          const after = parts[j + 1]?.text[0] ?? '';
          return j % 2 === 1 && (/[0-9A-Za-z]/.test(before) || /[0-9A-Za-z]/.test(after)) ? p.text : p.lowered;
        })
        .join('');
      expect(lowerCaseUuids(text)).toBe(expected);
    }
  });
});

describe(canonicalUrl.name, () => {
  it('decodes exactly the encoded letters, digits, - _ ~ (RFC 3986 unreserved), leaving . and every other byte encoded', () => {
    for (let byte = 0; byte < 256; byte++) {
      const hex = byte.toString(16).padStart(2, '0');
      const char = String.fromCharCode(byte);
      const unreserved = /^[A-Za-z0-9_~-]$/.test(char);
      for (const encoded of [`%${hex}`, `%${hex.toUpperCase()}`])
        expect({ encoded, url: canonicalUrl(`/a/${encoded}`) }).toEqual({ encoded, url: unreserved ? `/a/${char}` : `/a/${encoded}` });
    }
    expect(canonicalUrl('/files/%2E%2E/%2e%2e/x')).toBe('/files/%2E%2E/%2e%2e/x');
  });

  it('never makes a new escape: a % that begins none leaves the URL as it is (the router refuses it), and %25 stays', () => {
    const id = randomUUID().toUpperCase();
    // Decoded around the stray %, this read %36… and the router decoded it once more (a cold review).
    expect(canonicalUrl(`/n/%%33%36${id.slice(1)}`)).toBe(`/n/%%33%36${id.slice(1)}`);
    expect(canonicalUrl('/n/%zz%41')).toBe('/n/%zz%41');
    expect(canonicalUrl('/n/%2541')).toBe('/n/%2541');
    // The one pass leaves no escape that a second would read differently, whatever the input.
    const pieces = ['%', '%2', '%25', '%33', '%36', '%41', '%2E', 'A', '6', '-', '/'];
    let seed = 11;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 5_000; i++) {
      const url = `/p/${Array.from({ length: 6 }, () => pieces[next(pieces.length)]).join('')}`;
      const once = canonicalUrl(url);
      expect({ url, twice: canonicalUrl(once) }).toEqual({ url, twice: once });
    }
  });
});
