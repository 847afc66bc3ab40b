/**
 * How long a consumer's fetch waits on the broker when there is nothing to read. kafkajs's default
 * is 5 s, and a consumer's disconnect waits for the fetch in flight: a service's shutdown, or a
 * suite closing its app, spent up to 5 s a consumer idle. Records still arrive as soon as they are
 * written (the broker answers a waiting fetch at its first byte); only the idle wait is shorter.
 */
export const IDLE_FETCH_WAIT_MS = 1_000;
