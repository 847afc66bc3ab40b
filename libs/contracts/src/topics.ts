/** Topic names are part of the published language: one per context and major version. */
export function contextTopic(context: string, major = 1): string {
  if (!/^[a-z][a-z0-9-]*$/.test(context)) throw new Error(`invalid context name: ${context}`);
  if (!Number.isInteger(major) || major < 1) throw new Error(`invalid major version: ${major}`);
  return `vanguard.${context}.events.v${major}`;
}

/** Where a topic's poison messages go, with the failure reason in headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** County systems publish here; organization, evaluation and assistance consume it. */
export const COUNTY_INBOUND_TOPIC = 'vanguard.county.inbound.v1';
