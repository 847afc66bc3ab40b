import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as netConnect } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ISocketFactory } from 'kafkajs';
import { waitUntil } from '@vanguard/testing';
import { serviceKafka } from './service-kafka';

// A local TCP server stands for a broker that never answers: kafkajs's connects stay in flight.
describe('serviceKafka', () => {
  let server: Server;
  let address: string;
  const accepted = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((s) => {
      accepted.add(s);
      s.on('error', () => undefined);
      s.on('close', () => accepted.delete(s));
      s.resume();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('WhenLeftoversAreClosed_DestroysTheOpenConnectionWarnsWithItsCountAndRefusesLaterOnes', async () => {
    const made: string[] = [];
    // The caller's own socket factory (a test's network fault, say) is kept inside the tracking.
    const inner: ISocketFactory = ({ host, port, onConnect }) => {
      made.push(`${host}:${port}`);
      return netConnect({ host, port }, onConnect);
    };
    const sut = serviceKafka('leftover-unit', [address], { socketFactory: inner, retry: { retries: 0 }, requestTimeout: 20_000 });
    const admin = sut.kafka.admin();
    const connecting = admin.connect().then(
      () => 'connected',
      (e: Error) => e.name,
    );
    await waitUntil('the admin connecting', () => accepted.size === 1 && sut.openSockets === 1, { timeoutMs: 5_000 });

    const warnings: string[] = [];
    expect(sut.closeLeftovers((m) => warnings.push(m))).toBe(1);

    // The connect in flight hears of it at once (no 20 s request timeout), and the broker sees the socket go.
    expect(await connecting).toMatch(/KafkaJS/);
    await waitUntil('the broker side closed', () => accepted.size === 0, { timeoutMs: 5_000 });
    expect(warnings).toEqual(['leftover-unit: 1 connection(s) still open after its stop; closed']);
    expect(made).toEqual([address]);

    // A connect after the close gets no connection: nothing reaches the broker.
    const later = sut.kafka.admin();
    await expect(later.connect()).rejects.toThrow();
    expect(accepted.size).toBe(0);
    expect(sut.openSockets).toBe(0);
    expect(sut.closeLeftovers((m) => warnings.push(m))).toBe(0);
    expect(warnings).toHaveLength(1);
  });
});

describe('every long-lived Kafka client comes from serviceKafka', () => {
  // Short-lived or not a service's runner: the health probe's admin, the audit CLI, the test counties, suites' group set-up,
  // the testcontainers broker's sign-in checks.
  const ALLOWED = new Set([
    'libs/messaging/src/kafka/service-kafka.ts',
    'libs/observability/src/health.ts',
    'libs/testing/src/containers.ts',
    'libs/testing/src/county-systems.ts',
    'libs/testing/src/suite-groups.ts',
    'services/audit/src/cli/checkpoints-command.ts',
  ]);

  it('finds no other `new Kafka(` in the services’ and libraries’ sources', () => {
    const root = join(__dirname, '../../../..');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = join(dir, e.name);
        if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
        return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
      });
    const roots = ['libs', 'services'].flatMap((top) =>
      readdirSync(join(root, top))
        .map((name) => join(root, top, name, 'src'))
        .filter((d) => existsSync(d)),
    );
    const offenders = roots
      .flatMap(sources)
      .map((p) => relative(root, p))
      .filter((p) => !ALLOWED.has(p) && readFileSync(join(root, p), 'utf8').includes('new Kafka('));

    expect(roots.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
