import { withOrgIdAliases, type EventEnvelope } from '@vanguard/contracts';
import type { EventContext } from '../../application/ports/outbox.port';
import type { DomainEvent } from '../../domain/shared/aggregate-root';

/**
 * Domain event → published language (libs/contracts, `organization.<Name>` v1). The domain
 * events already carry only primitives and never personal data; this adds the envelope:
 * stream, version, actor, correlation. Organisation events carry `orgId` beside the
 * deprecated `organizationId` until the window of ADR 0012 closes and they move to v2.
 */
export function toIntegrationEvent(
  event: DomainEvent,
  ctx: EventContext,
  meta: { eventId: string; streamVersion: number; now: Date },
): EventEnvelope {
  const at = meta.now.toISOString();
  const type = `organization.${event.name}`;
  return {
    eventId: meta.eventId,
    type,
    version: 1,
    streamId: `${event.stream}-${event.aggregateId}`,
    streamVersion: meta.streamVersion,
    occurredAt: at,
    recordedAt: at,
    actor: {
      sub: ctx.actor.sub,
      roles: [...ctx.actor.roles],
      ...(ctx.actor.orgId ? { orgId: ctx.actor.orgId } : {}),
      kind: ctx.actor.kind,
    },
    orgId: event.orgId,
    correlationId: ctx.correlationId,
    causationId: ctx.causationId,
    data: withOrgIdAliases(type, event.data),
  };
}
