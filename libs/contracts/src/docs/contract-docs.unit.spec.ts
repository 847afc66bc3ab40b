// What the AsyncAPI document says travels for each message. The docs-sync test in
// published-contracts.unit.spec.ts only proves the committed file is what this code generates.
import type { AnyEventContract } from '../contract';
import { STATE_REMOVAL_HEADER, stateRemovalContracts } from '../organization/roster-state.contracts';
import { publicContracts } from '../public-contracts';
import { asyncApiDocument, contractJsonSchema } from './contract-docs';

interface JsonSchemaNode {
  type?: string;
  const?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchemaNode & { contentMediaType?: string; contentSchema?: JsonSchemaNode }>;
}
interface Message {
  title: string;
  headers: JsonSchemaNode | { schemaFormat: string; schema: JsonSchemaNode };
  payload: { schemaFormat: string; schema: JsonSchemaNode };
}

const messageId = (c: AnyEventContract) => `${c.type}.v${c.version}`;
const envelopeSchemaOf = (c: AnyEventContract) => {
  const { $schema: _d, $id: _i, ...schema } = contractJsonSchema(c) as Record<string, unknown>;
  void _d;
  void _i;
  return schema;
};
const removalIds = new Set(stateRemovalContracts.map(messageId));

describe(asyncApiDocument.name, () => {
  const sut = asyncApiDocument;
  const messages = (sut(publicContracts) as { components: { messages: Record<string, Message> } }).components.messages;

  it.each(stateRemovalContracts.map((c) => [c.type, c] as const))(
    'asyncApiDocument_For_%s_DescribesATombstoneCarryingTheSignedRemovalInItsHeader',
    (type, contract) => {
      const message = messages[messageId(contract)]!;
      const headers = 'schema' in message.headers ? message.headers.schema : message.headers;
      const removal = headers.properties?.[STATE_REMOVAL_HEADER];

      expect(message.title).toContain('(tombstone)');
      expect(message.payload.schema).toMatchObject({ type: 'null' });
      expect(headers.required).toContain(STATE_REMOVAL_HEADER);
      expect(removal).toMatchObject({ type: 'string', contentMediaType: 'application/json' });
      expect(removal?.contentSchema?.required).toContain('type');
      expect(removal?.contentSchema?.properties?.['type']).toEqual({ type: 'string', const: type });
      expect(removal?.contentSchema).toEqual(envelopeSchemaOf(contract));
    },
  );

  it('asyncApiDocument_ForEveryOtherContract_DescribesTheEnvelopeAsTheValue', () => {
    const others = publicContracts.all().filter((c) => !removalIds.has(messageId(c)));

    const wrong = others.filter((c) => {
      const message = messages[messageId(c)]!;
      const headers = 'schema' in message.headers ? message.headers.schema : message.headers;
      return (
        JSON.stringify(message.payload.schema) !== JSON.stringify(envelopeSchemaOf(c)) ||
        headers.properties?.[STATE_REMOVAL_HEADER] !== undefined
      );
    });

    expect(others.length).toBeGreaterThan(stateRemovalContracts.length);
    expect(wrong.map(messageId)).toEqual([]);
  });
});
