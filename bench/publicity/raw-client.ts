// A lean keep-alive HTTP/1.1 GET client for the roll's read phases: one request at a time per
// connection (closed loop, no pipelining), the status line and Content-Length read by hand, the
// body counted and dropped. Node's http client spends about as much CPU per request as the
// service does, on the same two cores; this one spends a fraction of it (autocannon and wrk
// parse by hand too), so more of the machine is left to what is measured.
import { connect, type Socket } from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');

export class RawGetConnection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {}

  /** The status of one GET; the connection is kept for the next, and made again if it closed. */
  get(path: string, headers: Record<string, string> = {}): Promise<number> {
    const socket = this.connected();
    let text = `GET ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`${text}\r\n`);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private connected(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    this.buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (e?: Error) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e ?? new Error('connection closed'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
    this.socket = socket;
    return socket;
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const headEnd = this.buffered.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const total = headEnd + 4 + (length ? Number(length[1]) : 0);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve(status);
  }
}

/** One connection per request in flight, given back after it: as many connections as readers at once. */
export class RawGetPool {
  private readonly idle: RawGetConnection[] = [];
  private readonly all: RawGetConnection[] = [];

  constructor(private readonly port: number) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<number> {
    const connection = this.idle.pop() ?? this.made();
    try {
      return await connection.get(path, headers);
    } finally {
      // A closed connection is made again on its next use.
      this.idle.push(connection);
    }
  }

  close(): void {
    for (const c of this.all) c.close();
  }

  private made(): RawGetConnection {
    const c = new RawGetConnection(this.port);
    this.all.push(c);
    return c;
  }
}
