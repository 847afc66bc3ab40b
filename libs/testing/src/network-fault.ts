import net from 'node:net';

/**
 * A network fault between one Kafka client and the broker, through kafkajs's `socketFactory`
 * (every connection, not only the bootstrap one, which is what `brokerGate` covers). Cut, it
 * drops the client's open connections and refuses new ones; restored, it connects again.
 * `live` counts the connections the client still holds: what a stopped client must have let go of.
 */
export function networkFault(): {
  socketFactory: (args: { host: string; port: number; onConnect: () => void }) => net.Socket;
  cut(): void;
  restore(): void;
  readonly live: number;
  /** Connections refused while cut. */
  readonly refused: number;
} {
  let isCut = false;
  let refused = 0;
  const sockets = new Set<net.Socket>();
  return {
    socketFactory: ({ host, port, onConnect }) => {
      // Port 1 on the loopback refuses at once: a broker that is not there.
      if (isCut) refused += 1;
      const socket = isCut ? net.connect({ host: '127.0.0.1', port: 1 }, onConnect) : net.connect({ host, port }, onConnect);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      return socket;
    },
    cut() {
      isCut = true;
      // With an error, as a reset connection ends: kafkajs fails the requests in flight at once.
      sockets.forEach((s) => s.destroy(Object.assign(new Error('connection reset by the test'), { code: 'ECONNRESET' })));
    },
    restore: () => void (isCut = false),
    get live() {
      // kafkajs disconnects by ending its side (`end()`): such a socket is let go of, even while
      // the broker has not closed its side yet.
      return [...sockets].filter((s) => !s.destroyed && !s.writableEnded).length;
    },
    get refused() {
      return refused;
    },
  };
}
