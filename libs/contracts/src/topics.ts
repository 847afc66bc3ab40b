/** Topic names are part of the published language: one per context and major version. */
export function contextTopic(context: string, major = 1): string {
  if (!/^[a-z][a-z0-9-]*$/.test(context)) throw new Error(`invalid context name: ${context}`);
  if (!Number.isInteger(major) || major < 1) throw new Error(`invalid major version: ${major}`);
  return `vanguard.${context}.events.v${major}`;
}

/** Whether `topic` is a context's public events topic (`contextTopic`'s shape). */
export function isContextTopic(topic: string): boolean {
  return /^vanguard\.[a-z][a-z0-9-]*\.events\.v[1-9][0-9]*$/.test(topic);
}

/**
 * A context's events topic is kept for ever: reporting's rebuild recounts from offset 0, and a
 * county bootstraps from it (docs/county-integration.md); the broker's default would drop a week.
 */
export const CONTEXT_TOPIC_CONFIG: Readonly<Record<string, string>> = { 'retention.ms': '-1', 'cleanup.policy': 'delete' };

/** Where a topic's poison messages go, with the failure reason in headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * The audit service's signed checkpoints of the transparency logs (ADR 0063): history, not state,
 * so neither compacted nor expiring (`retention.ms=-1`).
 */
export const AUDIT_CHECKPOINT_TOPIC = 'vanguard.audit.checkpoints.v1';

/** Topic configs the checkpoint topic is created with: kept for ever, never compacted. */
export const AUDIT_CHECKPOINT_TOPIC_CONFIG: Readonly<Record<string, string>> = CONTEXT_TOPIC_CONFIG;

/** County systems publish here; organization, evaluation and assistance consume it. */
export const COUNTY_INBOUND_TOPIC = 'vanguard.county.inbound.v1';

/**
 * Where the platform answers a county system: one topic per county (its Keycloak client id),
 * so Kafka ACLs can let each county read only its own replies. Key: the county's message id.
 */
export function countyReplyTopic(clientId: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(clientId)) throw new Error(`invalid county client id: ${clientId}`);
  return `vanguard.county.replies.${clientId}.v1`;
}

/**
 * The reply topics as one parameterised address (AsyncAPI `{clientId}`): the reply contract's
 * `topic`. Not a topic name — `ContractRegistry.topics()` leaves it out, so no relay tries to create it.
 */
export const COUNTY_REPLY_TOPIC_PATTERN = 'vanguard.county.replies.{clientId}.v1';

/** Each county's decision feed (countyDecisionTopic, ADR 0062) as one parameterised address, for the AsyncAPI document. */
export const COUNTY_DECISION_TOPIC_PATTERN = 'vanguard.county.decisions.{clientId}.v1';

/** Is `topic` a parameterised address (`{param}`) rather than a concrete topic name? */
export function isTopicPattern(topic: string): boolean {
  return topic.includes('{');
}
