import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Pool } from 'pg';
import { ContractRegistry } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { waitUntil } from '@vanguard/testing';
import { EventStoreRelayRunner } from '../src';
import { thingContract } from './support';

/**
 * A broker that accepts connections and never answers: kafkajs's first request (ApiVersions)
 * waits its request timeout (30 s), so a connect stays in flight for as long as the test needs.
 * What is checked is what the runner leaves connected to it.
 */
async function silentBroker(): Promise<{ address: string; open: Set<Socket>; accepted: () => number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    open.add(s);
    s.on('error', () => undefined);
    s.on('close', () => open.delete(s));
    // Read (and drop) the requests: a socket whose data is never read never sees its peer's end.
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    open,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((r) => {
        open.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

// A runner stopped while kafkajs is connecting must let go of every socket: one left open keeps
// a Jest run or a service at SIGTERM alive (ADR 0069, "Leftover sockets").
describe('a runner stopped while its client connects', () => {
  let broker: Awaited<ReturnType<typeof silentBroker>>;

  beforeEach(async () => {
    broker = await silentBroker();
  });
  afterEach(() => broker.close());

  it('EventStoreRelayRunner_WhenStoppedWhileItsTopicCheckConnects_LeavesNoConnectionAndStartsNoRelay', async () => {
    const warnings: string[] = [];
    const sut = new EventStoreRelayRunner({} as PostgresEventStore, {} as Pool, {
      brokers: [broker.address],
      clientId: 'leftover-test-relay',
      name: 'leftover-test',
      contracts: new ContractRegistry([thingContract('leftover-test.events')]),
      logger: { info: () => undefined, warn: (_o, m) => void warnings.push(m ?? ''), error: () => undefined },
    });
    const starting = sut.start();
    await waitUntil('the topic check connecting', () => broker.open.size > 0, { timeoutMs: 5_000 });
    const acceptedAtStop = broker.accepted();

    await sut.stop();

    await waitUntil('every connection of the stopped runner closed', () => broker.open.size === 0, { timeoutMs: 5_000 });
    // The topic check gives up once it finds no socket, and the stopped runner starts no relay.
    await starting;
    expect(sut.stats).toBeUndefined();
    expect(broker.accepted()).toBe(acceptedAtStop);
    expect(broker.open.size).toBe(0);
    expect(warnings).toContain('leftover-test-relay: 1 connection(s) still open after its stop; closed');
  }, 30_000);
});
