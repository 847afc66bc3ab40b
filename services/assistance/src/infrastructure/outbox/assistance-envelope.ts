import type { EventEnvelope } from '@vanguard/contracts';
import type { CommandContext } from '../../application/ports/context.port';
import type { DomainEvent } from '../../domain/shared/domain-event';

/** Domain event → published envelope (libs/contracts): stream, actor, correlation, the village as orgId. */
export function assistanceEnvelope(
  event: DomainEvent,
  ctx: CommandContext,
  meta: { eventId: string; streamVersion: number; now: Date },
): EventEnvelope {
  const at = meta.now.toISOString();
  return {
    eventId: meta.eventId,
    type: event.contract.type,
    version: event.contract.version,
    streamId: `${event.contract.stream}-${event.aggregateId}`,
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
    causationId: null,
    data: event.data,
  };
}
