import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { seededRandom } from '@vanguard/testing';
import { ClientAddresses } from './client-address';
import { configureHttpApp } from './create-app';
import { perAddressRateGuard } from './rate-limit';
import { withTrustedProxies } from './testing';

const req = (socket: string, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress: socket },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe(ClientAddresses.name, () => {
  it('is the socket’s address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const sut = ClientAddresses.parse(undefined);
    expect(sut.of(req('198.51.100.7', '127.0.0.1'))).toBe('198.51.100.7');
    expect(ClientAddresses.parse(' , ').of(req('127.0.0.1', '203.0.113.5'))).toBe('127.0.0.1');
  });

  it('is `unknown`, not a throw, once Node has let the request’s socket go (a response finishing after a cut)', () => {
    for (const spec of [undefined, '10.0.0.0/8'])
      expect(ClientAddresses.parse(spec).of({ socket: null, headers: { 'x-forwarded-for': '203.0.113.5' } })).toBe('unknown');
  });

  it('believes only a trusted proxy, reading its header right to left past the trusted hops', () => {
    const sut = ClientAddresses.parse('127.0.0.1, 10.0.0.0/8');
    expect(sut.of(req('127.0.0.1', '203.0.113.5'))).toBe('203.0.113.5');
    expect(sut.of(req('127.0.0.1', '198.51.100.7, 10.1.2.3'))).toBe('198.51.100.7');
    // What the client wrote itself, left of the address the proxy saw, is not believed.
    expect(sut.of(req('127.0.0.1', '127.0.0.1, 198.51.100.7, 10.1.2.3'))).toBe('198.51.100.7');
    expect(sut.of(req('127.0.0.1', ['1.1.1.1', '198.51.100.7']))).toBe('198.51.100.7');
    // A connection from anyone else is itself, even when it claims to forward for a trusted address.
    expect(sut.of(req('198.51.100.7', '127.0.0.1'))).toBe('198.51.100.7');
  });

  it('is the proxy itself with no header, the leftmost hop when all are trusted, and stops at what is not an address', () => {
    const sut = ClientAddresses.parse('127.0.0.1,10.0.0.0/8');
    expect(sut.of(req('127.0.0.1'))).toBe('127.0.0.1');
    expect(sut.of(req('127.0.0.1', '10.0.0.5, 10.9.9.9'))).toBe('10.0.0.5');
    expect(sut.of(req('127.0.0.1', 'nonsense'))).toBe('127.0.0.1');
    expect(sut.of(req('127.0.0.1', 'unknown'))).toBe('127.0.0.1');
    expect(sut.of(req('127.0.0.1', 'nonsense, 10.0.0.5'))).toBe('10.0.0.5');
    // Hops some proxies write with their port.
    expect(sut.of(req('127.0.0.1', '203.0.113.9:5555'))).toBe('203.0.113.9');
    expect(sut.of(req('127.0.0.1', '[2001:db8::1]:443'))).toBe('2001:db8::1');
    expect(sut.of(req('127.0.0.1', '[2001:db8::1]'))).toBe('2001:db8::1');
  });

  it('takes a dual-stack socket’s IPv4 peer as the IPv4 address, and IPv6 ranges', () => {
    const sut = ClientAddresses.parse('127.0.0.1,fd00::/8');
    expect(sut.of(req('::ffff:127.0.0.1', '::ffff:203.0.113.5'))).toBe('203.0.113.5');
    expect(sut.of(req('fd12::1', '2001:db8::7'))).toBe('2001:db8::7');
    expect(ClientAddresses.parse(undefined).of(req('::ffff:198.51.100.7'))).toBe('198.51.100.7');
  });

  // A trailing slash was read as /0 (Number('') is 0): it trusted every address.
  it.each([
    'localhost',
    '10.0.0.0/33',
    '::1/129',
    '1.2.3.4/8/1',
    '10.0.0.0/x',
    '10.0.0',
    '10.0.0.0/',
    '::1/',
    '10.0.0.0/0x8',
    '10.0.0.0/1e1',
    '10.0.0.0/ 8',
    '10.0.0.0/-1',
  ])('refuses the setting "%s", naming it', (entry) => {
    expect(() => ClientAddresses.parse(`127.0.0.1,${entry}`)).toThrow(`"${entry}" is not an IP address or a CIDR range`);
  });

  it('finds the client behind any chain of trusted proxies, whatever the client prepends (random chains)', () => {
    const random = seededRandom(149);
    const octet = () => Math.floor(random() * 256);
    const untrusted = () => `203.0.${octet()}.${octet()}`;
    const trusted = () => (random() < 0.5 ? `10.${octet()}.${octet()}.${octet()}` : '127.0.0.1');
    const sut = ClientAddresses.parse('127.0.0.1,10.0.0.0/8');
    const wrong: string[] = [];
    for (let n = 0; n < 2_000; n++) {
      const client = untrusted();
      // The client's own header: anything, trusted-looking addresses and garbage included.
      const forged = Array.from({ length: Math.floor(random() * 4) }, () => [untrusted, trusted, () => 'x'][Math.floor(random() * 3)]!());
      // Each proxy appends the address it received from; the service sees the last proxy's socket.
      const proxies = Array.from({ length: 1 + Math.floor(random() * 4) }, trusted);
      const header = [...forged, client, ...proxies.slice(0, -1)];
      const sent = random() < 0.5 ? header.join(', ') : header.join(',');
      const found = sut.of(req(proxies.at(-1)!, sent));
      if (found !== client) wrong.push(`${sent} via ${proxies.at(-1)}: ${found}, not ${client}`);
    }
    expect(wrong).toEqual([]);
  });
});

@Controller('limited')
@UseGuards(perAddressRateGuard(() => 2, { zh: '请求', en: 'reads' }))
class LimitedController {
  @Get()
  read() {
    return { ok: true };
  }
}

@Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })], controllers: [LimitedController] })
class LimitedModule {}

describe('per-address limits behind a proxy', () => {
  async function limitedApp(): Promise<{ app: INestApplication; read: (forwardedFor: string) => Promise<number> }> {
    const ref = await Test.createTestingModule({ imports: [LimitedModule] }).compile();
    const app = ref.createNestApplication({ logger: false });
    try {
      configureHttpApp(app, { title: 't', description: 'd', shutdownHooks: false });
      await app.listen(0, '127.0.0.1');
    } catch (e) {
      await app.close();
      throw e;
    }
    const base = await app.getUrl();
    const read = async (forwardedFor: string) => (await fetch(`${base}/limited`, { headers: { 'x-forwarded-for': forwardedFor } })).status;
    return { app, read };
  }

  it('gives each client behind a trusted proxy its own budget', () =>
    withTrustedProxies('127.0.0.1', async () => {
      const { app, read } = await limitedApp();
      try {
        expect([await read('203.0.113.1'), await read('203.0.113.1'), await read('203.0.113.1')]).toEqual([200, 200, 429]);
        expect([await read('203.0.113.2'), await read('203.0.113.2')]).toEqual([200, 200]);
      } finally {
        await app.close();
      }
    }));

  it('with no proxy trusted, a client cannot dodge its budget by writing X-Forwarded-For', () =>
    withTrustedProxies(undefined, async () => {
      const { app, read } = await limitedApp();
      try {
        expect([await read('203.0.113.1'), await read('203.0.113.2'), await read('203.0.113.3')]).toEqual([200, 200, 429]);
      } finally {
        await app.close();
      }
    }));

  it('will not start with a setting it cannot read', () =>
    withTrustedProxies('127.0.0.1,proxy.local', () =>
      expect(limitedApp()).rejects.toThrow('"proxy.local" is not an IP address or a CIDR range'),
    ));
});
