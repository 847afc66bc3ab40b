import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of Postgres that can go silent: `blackhole()` stops forwarding on every
 * connection open at that moment without closing either side. Neither end gets a FIN or RST and
 * no bytes arrive: silence at the application level only, which only application-level timeouts
 * (a statement or query timeout, a lease, a heartbeat) can tell. It is not a dropped route or a
 * frozen host: the proxy's kernel still ACKs what each end sends and answers keepalive probes,
 * so TCP keepalives and `tcp_user_timeout` never fire. Later connections pass as usual.
 */
export class NetProxy {
  private readonly pairs = new Set<{ client: Socket; server: Socket; silent: boolean }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<NetProxy> {
    const pending: Socket[] = [];
    const ready: { proxy?: NetProxy } = {};
    const server = createServer((client) => (ready.proxy ? ready.proxy.relay(client, target) : pending.push(client)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    ready.proxy = new NetProxy(server, address.port);
    for (const c of pending) ready.proxy.relay(c, target);
    return ready.proxy;
  }

  /**
   * Forwards nothing more on the connections open now; they stay open and their TCP stays alive
   * (segments ACKed, keepalives answered): only the bytes stop.
   */
  blackhole(): number {
    for (const p of this.pairs) p.silent = true;
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.server.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    const server = createConnection(target);
    const pair = { client, server, silent: false };
    this.pairs.add(pair);
    client.on('data', (chunk) => {
      if (!pair.silent) server.write(chunk);
    });
    server.on('data', (chunk) => {
      if (!pair.silent) client.write(chunk);
    });
    const end = () => {
      if (pair.silent) return;
      this.pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('close', end);
    server.on('close', end);
    client.on('error', () => undefined);
    server.on('error', () => undefined);
  }
}
