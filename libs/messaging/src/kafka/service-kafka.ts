import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { SocketTracker } from './socket-tracker';

/** kafkajs settings besides the client id and brokers: SASL, TLS, retry, timeouts, a socket factory to wrap. */
export type ServiceKafkaOptions = Omit<KafkaConfig, 'clientId' | 'brokers'> & {
  /**
   * Put before every consumer group the client joins or names to the admin; default
   * `KAFKA_GROUP_PREFIX` (empty). Platforms sharing one broker (a suite's own services beside
   * `npm start`'s, staging beside test) keep their groups, and so their offsets, apart.
   */
  readonly groupPrefix?: string;
};

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
    const { groupPrefix = process.env['KAFKA_GROUP_PREFIX'] ?? '', ...config } = options;
    this.kafka = new Kafka({
      logLevel: logLevel.NOTHING,
      ...config,
      clientId,
      brokers: [...brokers],
      socketFactory: this.sockets.factory(config.socketFactory),
    });
    if (groupPrefix) prefixGroups(this.kafka, groupPrefix);
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

/**
 * Every group the client's consumers join and its admins name gets `prefix`
 * (ServiceKafkaOptions.groupPrefix); the admin's answers name groups without it, and list only
 * the prefix's groups, so a runner sees its own names and never another platform's groups.
 */
function prefixGroups(kafka: Kafka, prefix: string): void {
  const consumer = kafka.consumer.bind(kafka);
  kafka.consumer = (config) => consumer({ ...config, groupId: prefix + config.groupId });
  const admin = kafka.admin.bind(kafka);
  const strip = <T extends { groupId: string }>(o: T): T => ({ ...o, groupId: o.groupId.slice(prefix.length) });
  kafka.admin = (config) => {
    const a = admin(config);
    const group = <T extends { groupId: string }>(o: T): T => ({ ...o, groupId: prefix + o.groupId });
    return {
      ...a,
      fetchOffsets: (o) => a.fetchOffsets(group(o)),
      setOffsets: (o) => a.setOffsets(group(o)),
      resetOffsets: (o) => a.resetOffsets(group(o)),
      describeGroups: async (ids) => {
        const described = await a.describeGroups(ids.map((id) => prefix + id));
        return { ...described, groups: described.groups.map(strip) };
      },
      deleteGroups: async (ids) => (await a.deleteGroups(ids.map((id) => prefix + id))).map(strip),
      listGroups: async () => {
        const listed = await a.listGroups();
        return { ...listed, groups: listed.groups.filter((g) => g.groupId.startsWith(prefix)).map(strip) };
      },
    };
  };
}

/** The kafkajs client of a runner: `serviceKafka('assistance-relay', brokers)`; see `ServiceKafka`. */
export function serviceKafka(clientId: string, brokers: readonly string[], options?: ServiceKafkaOptions): ServiceKafka {
  return new ServiceKafka(clientId, brokers, options);
}
