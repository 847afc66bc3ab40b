import { z } from 'zod';
import type { AnyEventContract } from '../contract';
import { ENVELOPE_HEADERS } from '../envelope';
import { envelopeSchema } from '../envelope.schema';
import type { ContractRegistry } from '../registry';
import {
  AUDIT_CHECKPOINT_TOPIC,
  AUDIT_CHECKPOINT_TOPIC_CONFIG,
  COUNTY_DECISION_TOPIC_PATTERN,
  COUNTY_INBOUND_TOPIC,
  COUNTY_REPLY_TOPIC_PATTERN,
  deadLetterTopic,
} from '../topics';
import { REFINEMENTS, REFINEMENTS_RECORDED, type JsonSchema } from '../compatibility/json-schema';
import { ROSTER_STATE_TOPICS, STATE_REMOVAL_HEADER, stateRemovalContracts } from '../organization/roster-state.contracts';
import { refinementsOf } from '../refinements';
import { toYaml } from './yaml';

/** Where the generated documents live, relative to the repository root. */
export const CONTRACT_DOCS_DIR = 'docs/events';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export function schemaFileName(c: Pick<AnyEventContract, 'type' | 'version'>): string {
  return `${c.type}.v${c.version}.json`;
}

/** The JSON Schema integrators see for a zod schema: input side, open objects, refinements named. */
export function toJson(schema: z.ZodType): Record<string, unknown> {
  // `input` leaves objects open (no additionalProperties: false), so adding an optional
  // field stays compatible for consumers that validate with the published schema.
  // Refinements vanish from JSON Schema; recording their names lets the compatibility
  // guard see one added, removed or changed (and integrators read what they require).
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      const rules = refinementsOf(zodSchema);
      if (rules.length) jsonSchema[REFINEMENTS] = rules.map(({ id, description }) => ({ id, description }));
    },
  }) as Record<string, unknown>;
  void _dialect;
  return rest;
}

/** The JSON Schema of the whole Kafka message value (the envelope) of one contract. */
export function contractJsonSchema(c: AnyEventContract): JsonSchema {
  const envelope = toJson(envelopeSchema) as { properties: Record<string, unknown>; required: string[] };
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `https://vanguard.example/events/schemas/${schemaFileName(c)}`,
    title: `${c.type} v${c.version}`,
    description: c.description,
    'x-topic': c.topic,
    'x-key': c.key.description,
    [REFINEMENTS_RECORDED]: true,
    ...envelope,
    properties: {
      ...envelope.properties,
      type: { type: 'string', const: c.type },
      version: { type: 'integer', const: c.version },
      streamId: { type: 'string', pattern: `^${c.stream}-.+$` },
      data: toJson(c.schema),
    },
  };
}

function channelId(topic: string): string {
  return topic.replace(/^vanguard\./, '').replace(/[^A-Za-z0-9]+/g, '-');
}

function messageId(c: AnyEventContract): string {
  return `${c.type}.v${c.version}`;
}

const headersSchema = {
  type: 'object',
  description: 'The envelope beside the JSON value, so brokers and tools can route without parsing it.',
  properties: Object.fromEntries(
    Object.entries(ENVELOPE_HEADERS).map(([field, header]) => [header, { type: 'string', description: `envelope.${field}` }]),
  ),
  required: [ENVELOPE_HEADERS.eventId, ENVELOPE_HEADERS.type, ENVELOPE_HEADERS.version, ENVELOPE_HEADERS.streamId],
};

const JSON_SCHEMA_FORMAT = 'application/schema+json;version=draft-2020-12';

const tombstones = new Set<string>(stateRemovalContracts.map(messageId));

/** What travels for one contract: the JSON envelope as the value, or for a state removal no value at all. */
function messageBody(c: AnyEventContract, envelope: Record<string, unknown>): Record<string, unknown> {
  if (!tombstones.has(messageId(c))) {
    return {
      title: `${c.name} v${c.version}`,
      summary: c.description,
      contentType: 'application/json',
      headers: headersSchema,
      payload: { schemaFormat: JSON_SCHEMA_FORMAT, schema: envelope },
    };
  }
  // Compaction drops a key only on a null value, and a null value carries no signature: the signed
  // removal rides in a header (ADR 0130). Described as a value, it would have consumers parse one that never comes.
  return {
    title: `${c.name} v${c.version} (tombstone)`,
    summary:
      `A compacted tombstone keyed \`${c.stream}-<id>\`: value null, the removal's signed envelope as JSON text in the ` +
      `\`${STATE_REMOVAL_HEADER}\` header. Verify its signature (the organization service's key) and remove the copy only when ` +
      "it names the tombstone's key and is newer than the copy, keeping its version; a tombstone without a valid one removes " +
      'nothing (ADR 0130).',
    description: c.description,
    contentType: 'application/json',
    headers: {
      // Not AsyncAPI's own Schema Object: that is draft-07, which has no contentSchema.
      schemaFormat: JSON_SCHEMA_FORMAT,
      schema: {
        ...headersSchema,
        description: `The removal's envelope fields beside the null value, and the signed envelope itself in ${STATE_REMOVAL_HEADER}.`,
        properties: {
          ...headersSchema.properties,
          [STATE_REMOVAL_HEADER]: {
            type: 'string',
            description: `The organization service's signed ${c.type} v${c.version} envelope, as JSON text.`,
            contentMediaType: 'application/json',
            contentSchema: envelope,
          },
        },
        required: [...headersSchema.required, STATE_REMOVAL_HEADER],
      },
    },
    payload: {
      schemaFormat: JSON_SCHEMA_FORMAT,
      schema: { type: 'null', description: 'None: a compacted tombstone (null value), so compaction drops the key.' },
    },
  };
}

export function asyncApiDocument(registry: ContractRegistry): Record<string, unknown> {
  const contracts = registry.all();
  const topics = [...new Set([...contracts.map((c) => c.topic), COUNTY_INBOUND_TOPIC, COUNTY_DECISION_TOPIC_PATTERN])].sort();
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of topics) {
    const id = channelId(topic);
    const inbound = topic === COUNTY_INBOUND_TOPIC;
    const decisions = topic === COUNTY_DECISION_TOPIC_PATTERN;
    const replies = topic === COUNTY_REPLY_TOPIC_PATTERN;
    const perCounty = replies || decisions;
    const state = (ROSTER_STATE_TOPICS as readonly string[]).includes(topic);
    // The feed copies other topics' records unchanged: its messages are theirs, referred to there.
    const own = decisions ? [] : contracts.filter((c) => c.topic === topic);
    channels[id] = {
      address: topic,
      title: topic,
      ...(perCounty ? { parameters: { clientId: { description: 'the county system’s Keycloak client id, e.g. county-songling' } } } : {}),
      description: decisions
        ? 'One topic per county system (ADR 0062): the organization service copies onto it, byte for byte with the ' +
          'producer’s signature intact, every evaluation and commendation event whose data records a `decision` about an ' +
          'organisation inside the county, and each organization.MemberTransferred into one of its organisations and ' +
          'organization.MemberBecameFull of a member in one of them (ids only, ADR 0155). ' +
          'Same key, value and headers as on the source topic; at least once, so a county keys them by eventId and checks ' +
          'each signature (ADR 0059). Kafka ACLs let each county principal read only its own topic; kept 30 days.'
        : replies
          ? 'One topic per county system: the outcome of each of its inbound messages (applied, refused with a code and reason, ' +
            'or duplicate with the original outcome), written by the owning service in the transaction that applied it. ' +
            'Key = `county-message-<messageId>`; at least once, so a county keys replies by data.messageId. ' +
            'Kafka ACLs let each county principal read only its own topic.'
          : topic === AUDIT_CHECKPOINT_TOPIC
            ? 'The audit service’s signed checkpoints of the evaluation and commendation transparency logs, and the quorum of ' +
              'county witness cosignatures they gathered (ADR 0041, ADR 0063). Key = `checkpoint-<store>`; one event per log, size ' +
              'and kind, republished only identically (same eventId, same content). Kept for ever (retention.ms=-1), not compacted: ' +
              'the history of what the log committed to is the point. Readers check the envelope signature (audit’s key, ADR 0059) ' +
              'and the note’s under the log’s vkey.'
            : state
              ? 'Compacted (ADR 0029): the latest state of each organisation or member, key `organization-<id>` / `member-<id>`; ' +
                'read from the beginning it is the whole roster. Apply a state only when newer than the copy. A row truly deleted ' +
                `leaves as a tombstone (null value) whose \`${STATE_REMOVAL_HEADER}\` header carries the organization service’s signed ` +
                'removal of that key (OrganizationStateRemoved / MemberStateRemoved, never a value): remove the copy only on one that ' +
                'verifies, names the key and is newer, keep its version, and ignore a tombstone without it (ADR 0130). ' +
                `Messages that cannot be processed go to ${deadLetterTopic(topic)} with the reason in headers.`
              : inbound
                ? 'County systems publish here (service-account principals, only for their own county). Key = streamId. ' +
                  'organization consumes roster sync, evaluation pledge progress and ballot tallies, assistance deeds and visits; ' +
                  `messages that cannot be processed go to ${deadLetterTopic(topic)} with the reason in headers.`
                : `Events of the ${own[0]?.context} context, major version 1. Key = streamId. ` +
                  `Messages that cannot be processed go to ${deadLetterTopic(topic)} with the reason in headers.`,
      messages: Object.fromEntries(own.map((c) => [messageId(c), { $ref: `#/components/messages/${messageId(c)}` }])),
      bindings: {
        kafka: perCounty
          ? { bindingVersion: '0.5.0' }
          : {
              topic,
              ...(topic === AUDIT_CHECKPOINT_TOPIC
                ? { topicConfiguration: { 'retention.ms': -1, 'cleanup.policy': [AUDIT_CHECKPOINT_TOPIC_CONFIG['cleanup.policy']] } }
                : state
                  ? { topicConfiguration: { 'cleanup.policy': ['compact'] } }
                  : {}),
              bindingVersion: '0.5.0',
            },
      },
    };
    operations[`${inbound ? 'receive' : 'send'}-${id}`] = {
      action: inbound ? 'receive' : 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: inbound ? `The platform consumes ${topic}.` : `The platform publishes ${topic}.`,
      ...(own.length ? { messages: own.map((c) => ({ $ref: `#/channels/${id}/messages/${messageId(c)}` })) } : {}),
    };
  }
  const messages = Object.fromEntries(
    contracts.map((c) => {
      const { $schema: _d, $id: _i, ...envelope } = contractJsonSchema(c) as Record<string, unknown>;
      void _d;
      void _i;
      return [
        messageId(c),
        {
          name: c.type,
          ...messageBody(c, envelope),
          bindings: { kafka: { key: { type: 'string', description: c.key.description }, bindingVersion: '0.5.0' } },
        },
      ];
    }),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Vanguard domain events',
      version: '1.0.0',
      description:
        'Generated from libs/contracts by scripts/contracts-docs.ts; do not edit by hand. ' +
        'Every message is a JSON event envelope, but for the state topics’ removals: tombstones (null value) with the signed envelope ' +
        'in a header. Delivery is at least once, so consumers deduplicate by eventId.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'Local single-node KRaft broker' },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** Every generated file, by path relative to {@link CONTRACT_DOCS_DIR}. */
export function generateContractDocs(registry: ContractRegistry): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  files.set('asyncapi.yaml', toYaml(asyncApiDocument(registry)));
  for (const c of registry.all()) {
    files.set(`schemas/${schemaFileName(c)}`, `${JSON.stringify(contractJsonSchema(c), null, 2)}\n`);
  }
  return files;
}
