import type { z } from 'zod';
import type { EventEnvelope } from './envelope';
import { contextTopic } from './topics';

/**
 * One public event in one version: the published language other services and county
 * systems code against. `data` is validated by `schema` when produced and when consumed.
 */
export interface EventContract<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  /** `<context>.<EventName>`. */
  readonly type: TType;
  readonly context: string;
  readonly name: string;
  readonly version: number;
  readonly schema: TSchema;
  readonly topic: string;
  /** Stream category: the envelope's `streamId` is `<stream>-<id>`. */
  readonly stream: string;
  /** The Kafka key; always the envelope's streamId so one aggregate's events stay in order. */
  readonly key: { readonly field: 'streamId'; readonly description: string };
  readonly description: string;
  /** Where given, the streamId must be `<stream>-<subject.of(data)>`: see {@link ContractSubject}. */
  readonly subject?: ContractSubject<z.output<TSchema>>;
}

/**
 * The id in an event's own data that names its stream. Given for events from outside the
 * platform (county systems): their streamId is the Kafka key that orders them and the subject
 * their staleness is judged by, so a sender must not be free to choose it apart from the data.
 * Unbound, a county could send a member's older record under a new key and pass the staleness
 * check, or split one member's messages over two keys and so over two partitions.
 */
export interface ContractSubject<TData> {
  /** For the docs: `memberId`, or `memberId, or orgId when memberId is null`. */
  readonly name: string;
  of(data: TData): string;
}

export type AnyEventContract = EventContract<string, z.ZodType>;
export type ContractData<C extends AnyEventContract> = z.output<C['schema']>;
/** The envelope of one contract's event, with `data` typed. */
export type ContractEvent<C extends AnyEventContract> = EventEnvelope<ContractData<C>, C['type']>;

export interface ContractDefinition<TContext extends string, TName extends string, TSchema extends z.ZodType> {
  readonly context: TContext;
  readonly name: TName;
  readonly version: number;
  readonly schema: TSchema;
  readonly stream: string;
  readonly description: string;
  /** Defaults to the context's topic for the major version 1. */
  readonly topic?: string;
  readonly subject?: ContractSubject<z.output<TSchema>>;
}

export function defineContract<TContext extends string, TName extends string, TSchema extends z.ZodType>(
  def: ContractDefinition<TContext, TName, TSchema>,
): EventContract<`${TContext}.${TName}`, TSchema> {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(def.name)) throw new Error(`event name must be PascalCase: ${def.name}`);
  if (!Number.isInteger(def.version) || def.version < 1) throw new Error(`invalid version ${def.version} for ${def.name}`);
  return Object.freeze({
    type: `${def.context}.${def.name}`,
    context: def.context,
    name: def.name,
    version: def.version,
    schema: def.schema,
    topic: def.topic ?? contextTopic(def.context, 1),
    stream: def.stream,
    // Unchanged by `subject`: the published key text is part of the compatibility check, and each
    // bound contract's description has always named its id (`Key: \`roster-member-<memberId>\``).
    key: { field: 'streamId', description: `streamId, \`${def.stream}-<id>\`` } as const,
    description: def.description,
    ...(def.subject ? { subject: def.subject } : {}),
  });
}
