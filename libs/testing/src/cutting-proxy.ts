import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of Postgres that cuts one connection after the server has answered:
 * once a request containing `marker` passes towards the server, the server's next bytes on
 * that connection are swallowed and both sides closed. Postgres sends a statement's answer
 * only after its implicit COMMIT, so the client loses a connection whose work did commit.
 *
 * With `hideBackendKeys`, it also does what a connection pooler in session mode (PgBouncer) does
 * to a client's login: the BackendKeyData it passes on holds a key of its own, not the backend's
 * pid, so a client that takes that number for its backend's pid is wrong.
 */
export class CuttingProxy {
  private readonly sockets = new Set<Socket>();
  private marker: Buffer | null = null;
  private serverHearsNothing = false;
  cuts = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly hideBackendKeys: boolean,
  ) {}

  static async start(target: { host: string; port: number }, options: { hideBackendKeys?: boolean } = {}): Promise<CuttingProxy> {
    const box: { proxy?: CuttingProxy } = {};
    const server = createServer((client) => box.proxy!.relay(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    box.proxy = new CuttingProxy(server, address.port, options.hideBackendKeys ?? false);
    return box.proxy;
  }

  /**
   * Cut the connection that next sends `marker`, right after the server answers it. With
   * `serverHearsNothing` only the client's side is closed: the server's stays open until the relay
   * closes, as across a partition, so its backend goes on (holding whatever it held).
   */
  cutAfterAnswerTo(marker: string, { serverHearsNothing = false }: { serverHearsNothing?: boolean } = {}): void {
    this.marker = Buffer.from(marker);
    this.serverHearsNothing = serverHearsNothing;
  }

  /** Cut every connection now, whatever it is doing: a backend waiting on a lock does not notice. */
  cutAll(): void {
    for (const s of this.sockets) s.destroy();
    this.cuts++;
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    const server = createConnection(target);
    this.sockets.add(client).add(server);
    let armed = false;
    let keepServer = false;
    client.on('data', (chunk: Buffer) => {
      if (this.marker && chunk.includes(this.marker)) {
        this.marker = null;
        armed = true;
        keepServer = this.serverHearsNothing;
      }
      server.write(chunk);
    });
    const pass = this.hideBackendKeys ? hidingBackendKey(client) : (chunk: Buffer) => void client.write(chunk);
    server.on('data', (chunk: Buffer) => {
      if (!armed) return pass(chunk);
      if (client.destroyed) return;
      this.cuts++;
      client.destroy();
      if (!keepServer) server.destroy();
    });
    const close = () => {
      client.destroy();
      this.sockets.delete(client);
      // Kept open across a "partition" until the relay closes (close() destroys every socket it holds).
      if (keepServer && !server.destroyed) return;
      server.destroy();
      this.sockets.delete(server);
    };
    client.on('close', close).on('error', close);
    server.on('close', close).on('error', close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Passes the server's messages on to `client` with BackendKeyData's pid and secret replaced, until
 * the login's first ReadyForQuery; then everything as it comes. The pid given is above any Linux
 * pid, so it names no backend at all. For clients without SSL only: the one-byte answer to an
 * SSLRequest has no length, and would be read as the start of a message.
 */
function hidingBackendKey(client: Socket): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let loggedIn = false;
  return (chunk) => {
    if (loggedIn) return void client.write(chunk);
    pending = Buffer.concat([pending, chunk]);
    let at = 0;
    // Each message: a type byte, then its length (itself included), then its body.
    while (!loggedIn && pending.length - at >= 5) {
      const length = pending.readInt32BE(at + 1);
      if (pending.length - at < 1 + length) break;
      if (pending[at] === 0x4b && length === 12) {
        pending.writeInt32BE(0x40000000 + randomInt(0x10000000), at + 5);
        pending.writeInt32BE(randomInt(0x7fffffff), at + 9);
      }
      loggedIn = pending[at] === 0x5a;
      at += 1 + length;
    }
    if (loggedIn) at = pending.length;
    client.write(pending.subarray(0, at));
    pending = pending.subarray(at);
  };
}

/**
 * Takes a connection out of `pool` (one whose connections go through `proxy`), sends a statement
 * the relay cuts right after Postgres answers it, and gives the connection back: what the
 * statement failed with. A connection in use that is cut emits `error` after its query fails;
 * unheard, that ends the process, so a caller still here has its pool's answer to that.
 */
export async function cutInUse(proxy: CuttingProxy, pool: Pool): Promise<string> {
  const marker = `cut-${randomUUID()}`;
  proxy.cutAfterAnswerTo(marker);
  const client = await pool.connect();
  const failed = await client.query('select $1::text as m', [marker]).then(
    () => 'answered',
    (e: Error) => e.message,
  );
  client.release(true);
  return failed;
}
