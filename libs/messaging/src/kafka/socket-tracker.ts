import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

const KEEP_ALIVE_DELAY_MS = 60_000;

// Destroyed with an error, not quietly: kafkajs learns of a socket's end only by 'end' or 'error';
// a quiet destroy left its connection "connected" with a request-timeout interval running for ever.
const CLOSED = () => new Error('closed by its owner: the client was stopped');

/** kafkajs's own socket factory (src/network/socketFactory.js), which it does not export. */
const plainSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : netConnect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  return socket;
};

/**
 * Every socket a kafkajs client opens, so that a client can be made to hold none once it is
 * closed. kafkajs's `disconnect()` can race a request in flight that connects a broker afresh
 * after the cluster forgot its brokers: that connection belongs to nobody and keeps the process
 * alive (the outage suite hung so, twice; the inspector showed one socket of the county decision
 * feed's consumer, whose cluster held no broker). `close()` destroys what is open and any socket
 * opened after it, with an error, so that kafkajs tears its connection down too.
 */
export class SocketTracker {
  private readonly open = new Set<Socket>();
  private closed = false;

  /** A socket factory for the client's options, around `inner` (default: kafkajs's own). */
  factory(inner: ISocketFactory = plainSocketFactory): ISocketFactory {
    return (args) => {
      const socket = inner(args);
      if (this.closed) {
        socket.destroy(CLOSED());
        return socket;
      }
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
      return socket;
    };
  }

  /** Sockets open now, also those their client has ended and whose peer has not closed yet. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Sockets their client still holds. kafkajs disconnects by ending its side: such a socket is
   * let go of, and closes once the broker answers the end, a moment after `disconnect()` returned.
   */
  get held(): number {
    return [...this.open].filter((s) => !s.destroyed && !s.writableEnded).length;
  }

  /** Destroys every open socket and refuses new ones; returns how many were still held (`held`). */
  close(): number {
    this.closed = true;
    const left = this.held;
    for (const s of this.open) s.destroy(CLOSED());
    this.open.clear();
    return left;
  }
}
