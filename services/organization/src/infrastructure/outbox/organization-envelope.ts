import { withOrgIdAliases, type Actor as EnvelopeActor, type EventEnvelope } from '@vanguard/contracts';

/**
 * The one place an organization event's envelope is built, for every write path: the
 * outbox mapper (commands), the bulk seeder and roster imports. Organisation events v1
 * carry `orgId` beside the deprecated `organizationId` during the window of ADR 0012, and
 * integrators are told to read `orgId`: a path that built its own envelope would publish
 * messages without it.
 */
export interface OrganizationEnvelopeInput {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly at: string;
  readonly actor: EnvelopeActor;
  readonly orgId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Events published at a later version than 1; the rest are v1 (organisation events until ADR 0012's window closes). */
const PUBLISHED_VERSION: Readonly<Record<string, number>> = { 'organization.MemberTransferRejected': 2 };

export function organizationEnvelope(e: OrganizationEnvelopeInput): EventEnvelope {
  return {
    eventId: e.eventId,
    type: e.type,
    version: PUBLISHED_VERSION[e.type] ?? 1,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    occurredAt: e.at,
    recordedAt: e.at,
    actor: e.actor,
    orgId: e.orgId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    data: withOrgIdAliases(e.type, e.data),
  };
}
