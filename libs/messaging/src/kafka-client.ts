// `@vanguard/messaging/kafka`: the Kafka client side of messaging without Postgres. The index
// brings the outbox, inbox and relays with typeorm and the event store (about 0.55 s); a county
// system's CLI, which only produces and consumes, paid that at every start.
export * from './within';
export * from './kafka/envelope-codec';
export * from './kafka/topics';
export * from './kafka/service-kafka';
