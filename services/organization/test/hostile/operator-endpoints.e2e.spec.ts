import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createOrganizationTestApp } from '../support/organization-test-app';

/** This machine's first non-loopback IPv4 address: connecting to it makes the server see a remote peer. */
function externalAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!found) throw new Error('this machine has no non-loopback IPv4 interface to test from');
  return found.address;
}

/**
 * /metrics and /docs are for operators: listening on every interface (as in a container), the
 * service answers them to a connection from this machine's loopback and 404s the same request
 * arriving on another interface, while the API and health stay reachable there.
 */
describe('operator endpoints', () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    await app.listen(0, '0.0.0.0');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (host: string, path: string) => fetch(`http://${host}:${port}${path}`);

  it.each(['/metrics', '/docs', '/docs/openapi.json', '/docs-yaml', '/METRICS'])('answers %s on loopback', async (path) => {
    expect((await get('127.0.0.1', path)).status).toBe(200);
  });

  // Express routes case-insensitively and decodes; Swagger also serves /docs-yaml and /docs-json.
  it.each([
    '/metrics',
    '/docs',
    '/docs/openapi.json',
    '/docs/',
    '/metrics?x=1',
    '/METRICS',
    '/Metrics/',
    '/Docs',
    '/DOCS/openapi.json',
    '/docs-yaml',
    '/docs-json',
    '/Docs-Yaml',
    '/%6detrics',
    '/%64ocs-yaml',
    '//metrics',
  ])('404s %s from a non-loopback address', async (path) => {
    const res = await get(externalAddress(), path);

    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/process_cpu|"openapi"|openapi:|swagger/i);
  });

  it('still serves health and the API on the non-loopback address', async () => {
    expect((await get(externalAddress(), '/health/live')).status).toBe(200);
    expect((await get(externalAddress(), '/me')).status).toBe(401);
  });
});

/**
 * Behind a TLS proxy on the same machine every request arrives from loopback: /metrics and /docs
 * answer none that a proxy forwarded (a forwarding header), whoever it says it forwarded for, with
 * or without VANGUARD_TRUSTED_PROXIES naming it (ADR 0149).
 */
describe.each([undefined, '127.0.0.1,::1'])('operator endpoints behind a proxy on the machine (trusted proxies: %s)', (trusted) => {
  let app: INestApplication;
  let port: number;
  const saved = process.env['VANGUARD_TRUSTED_PROXIES'];

  beforeAll(async () => {
    if (trusted === undefined) delete process.env['VANGUARD_TRUSTED_PROXIES'];
    else process.env['VANGUARD_TRUSTED_PROXIES'] = trusted;
    app = await createOrganizationTestApp();
    await app.listen(0, '0.0.0.0');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    if (saved === undefined) delete process.env['VANGUARD_TRUSTED_PROXIES'];
    else process.env['VANGUARD_TRUSTED_PROXIES'] = saved;
  });

  const get = (host: string, path: string, headers: Record<string, string> = {}) => fetch(`http://${host}:${port}${path}`, { headers });

  it.each<Record<string, string>>([
    { 'x-forwarded-for': '203.0.113.9' },
    // A client's own header, passed on by a proxy that does not append: still forwarded.
    { 'x-forwarded-for': '127.0.0.1' },
    { forwarded: 'for=127.0.0.1' },
    { 'x-real-ip': '127.0.0.1' },
  ])('404s /metrics and /docs forwarded from loopback with %j', async (headers) => {
    for (const path of ['/metrics', '/docs/openapi.json']) {
      const res = await get('127.0.0.1', path, headers);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).not.toMatch(/process_cpu|"openapi"/);
    }
  });

  it('answers an operator on the machine connecting directly, and nobody else whatever they claim', async () => {
    expect((await get('127.0.0.1', '/metrics')).status).toBe(200);
    expect((await get(externalAddress(), '/metrics', { 'x-forwarded-for': '127.0.0.1' })).status).toBe(404);
  });
});
