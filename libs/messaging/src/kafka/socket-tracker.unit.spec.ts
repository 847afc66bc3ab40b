import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ISocketFactoryArgs } from 'kafkajs';
import { SocketTracker } from './socket-tracker';

// kafkajs passes no ssl options for a plain listener, whatever its typings say.
const plainAt = (port: number) => ({ host: '127.0.0.1', port, onConnect: () => undefined }) as unknown as ISocketFactoryArgs;

// A local TCP server stands for the broker: what is checked is which sockets stay open.
describe(SocketTracker.name, () => {
  let server: Server;
  let port: number;
  const accepted = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((s) => {
      accepted.add(s);
      s.on('close', () => accepted.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const connected = (socket: Socket) => new Promise<void>((r) => (socket.readyState === 'open' ? r() : socket.once('connect', () => r())));
  const closed = (socket: Socket) => new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));
  /** The 'close' event itself (after 'error'), also for a socket already marked destroyed. */
  const closing = (socket: Socket) => new Promise<void>((r) => socket.once('close', () => r()));

  it('WhenClosed_DestroysEveryOpenSocketAndEachOneOpenedAfter_WithAnErrorItsClientHears', async () => {
    const tracker = new SocketTracker();
    const errors: string[] = [];
    // As kafkajs does: a connection listens for 'error' (and 'end'), not for 'close'.
    const open = (args: ISocketFactoryArgs) => {
      const socket = tracker.factory()(args);
      socket.on('error', (e) => errors.push(e.message));
      return socket;
    };
    const a = open(plainAt(port));
    const b = open(plainAt(port));
    await Promise.all([connected(a), connected(b)]);
    expect(tracker.size).toBe(2);
    const bothClosed = Promise.all([closing(a), closing(b)]);
    expect(tracker.close()).toBe(2);
    await bothClosed;
    const late = open(plainAt(port));
    await closing(late);
    expect(late.destroyed).toBe(true);
    expect(tracker.size).toBe(0);
    expect(errors).toEqual(Array.from({ length: 3 }, () => 'closed by its owner: the client was stopped'));
  });

  it('WhenASocketClosesByItself_ForgetsIt', async () => {
    const tracker = new SocketTracker();
    const s = tracker.factory()(plainAt(port));
    await connected(s);
    s.end();
    await closed(s);
    expect(tracker.size).toBe(0);
    expect(tracker.close()).toBe(0);
  });

  it('WhenItsClientHasEndedASocket_DoesNotCountItAsLeftOverYetDestroysIt', async () => {
    // A broker slow to close its side: the socket stays open, ended by its client (kafkajs's disconnect).
    const peers = new Set<Socket>();
    const halfOpen = createServer({ allowHalfOpen: true }, (s) => void peers.add(s.resume()));
    await new Promise<void>((r) => halfOpen.listen(0, '127.0.0.1', r));
    try {
      const tracker = new SocketTracker();
      const open = () =>
        tracker
          .factory()(plainAt((halfOpen.address() as AddressInfo).port))
          .on('error', () => undefined);
      const [ended, held] = [open(), open()];
      await Promise.all([connected(ended), connected(held)]);
      ended.end();
      expect({ size: tracker.size, held: tracker.held }).toEqual({ size: 2, held: 1 });
      const bothClosed = Promise.all([closing(ended), closing(held)]);
      expect(tracker.close()).toBe(1);
      await bothClosed;
      expect(tracker.size).toBe(0);
    } finally {
      peers.forEach((s) => s.destroy());
      await new Promise<void>((r) => halfOpen.close(() => r()));
    }
  });
});
