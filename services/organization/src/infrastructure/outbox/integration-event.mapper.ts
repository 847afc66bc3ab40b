import type { EventEnvelope } from '@vanguard/contracts';
import type { EventContext } from '../../application/ports/outbox.port';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import { organizationEnvelope } from './organization-envelope';

/**
 * Domain event → published language (libs/contracts, `organization.<Name>` v1). The domain
 * events already carry only primitives and never personal data; this adds the envelope:
 * stream, version, actor, correlation (through `organizationEnvelope`, shared with the bulk
 * write paths, so organisation events carry `orgId` beside the deprecated `organizationId`).
 */
export function toIntegrationEvent(
  event: DomainEvent,
  ctx: EventContext,
  meta: { eventId: string; streamVersion: number; now: Date },
): EventEnvelope {
  return organizationEnvelope({
    eventId: meta.eventId,
    type: `organization.${event.name}`,
    streamId: `${event.stream}-${event.aggregateId}`,
    streamVersion: meta.streamVersion,
    at: meta.now.toISOString(),
    actor: {
      sub: ctx.actor.sub,
      roles: [...ctx.actor.roles],
      ...(ctx.actor.orgId ? { orgId: ctx.actor.orgId } : {}),
      kind: ctx.actor.kind,
    },
    orgId: event.orgId,
    correlationId: ctx.correlationId,
    causationId: ctx.causationId,
    data: event.data,
  });
}
