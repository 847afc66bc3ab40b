import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { SocketTracker } from './socket-tracker';

/** kafkajs settings besides the client id and brokers: SASL, TLS, retry, timeouts, a socket factory to wrap. */
export type ServiceKafkaOptions = Omit<KafkaConfig, 'clientId' | 'brokers'>;

/**
 * A long-lived kafkajs client of a service (a runner's consumers, producers and admins are made
 * from `kafka`) whose sockets can all be let go of at stop. kafkajs's `disconnect()` can race a
 * connect in flight, which then opens a socket that belongs to no cluster any more and keeps the
 * process alive with its request-timeout interval (ADR 0069, "Leftover sockets"). The owner
 * calls `closeLeftovers()` after its own disconnects: what is still open is destroyed (with an
 * error, so kafkajs tears its connection down too), and so is every socket the client opens later.
 */
export class ServiceKafka {
  readonly kafka: Kafka;
  private readonly sockets = new SocketTracker();

  constructor(
    readonly clientId: string,
    brokers: readonly string[],
    options: ServiceKafkaOptions = {},
  ) {
    this.kafka = new Kafka({
      logLevel: logLevel.NOTHING,
      ...options,
      clientId,
      brokers: [...brokers],
      socketFactory: this.sockets.factory(options.socketFactory),
    });
  }

  /** Sockets the client holds now (not those it has ended, waiting for the broker to close its side). */
  get openSockets(): number {
    return this.sockets.held;
  }

  /**
   * Ends the client for good: destroys its open sockets and refuses new ones. Returns how many
   * were still open; each one is a race kafkajs lost, worth a warning (`warn` gets it, worded once here).
   */
  closeLeftovers(warn?: (message: string) => void): number {
    const left = this.sockets.close();
    if (left && warn) warn(`${this.clientId}: ${left} connection(s) still open after its stop; closed`);
    return left;
  }
}

/** The kafkajs client of a runner: `serviceKafka('assistance-relay', brokers)`; see `ServiceKafka`. */
export function serviceKafka(clientId: string, brokers: readonly string[], options?: ServiceKafkaOptions): ServiceKafka {
  return new ServiceKafka(clientId, brokers, options);
}
