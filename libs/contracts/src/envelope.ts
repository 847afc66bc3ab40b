/**
 * The envelope every Vanguard event travels in, in the event stores, in the outbox and
 * on Kafka (DESIGN.md, "Events"). Times are UTC ISO-8601 strings.
 */
export interface Actor {
  /** Keycloak subject, or the client id of a county system. */
  readonly sub: string;
  readonly roles: readonly string[];
  readonly orgId?: string;
  /** `user` for people, `service` for county systems and the platform's own processes. */
  readonly kind?: 'user' | 'service';
}

export interface EventEnvelope<TData = unknown, TType extends string = string> {
  readonly eventId: string;
  /** `<context>.<EventName>`, e.g. `evaluation.PledgeFulfilled`. */
  readonly type: TType;
  readonly version: number;
  /** `<category>-<id>`; the Kafka key, so one aggregate's events stay in order. */
  readonly streamId: string;
  readonly streamVersion: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: Actor;
  /** The organisation whose subtree scopes this event. */
  readonly orgId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: TData;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Kafka header names carrying the envelope beside the JSON value. */
export const ENVELOPE_HEADERS = {
  eventId: 'vg-event-id',
  type: 'vg-type',
  version: 'vg-version',
  streamId: 'vg-stream-id',
  streamVersion: 'vg-stream-version',
  occurredAt: 'vg-occurred-at',
  correlationId: 'vg-correlation-id',
  causationId: 'vg-causation-id',
  orgId: 'vg-org-id',
  tenant: 'vg-tenant',
} as const;
