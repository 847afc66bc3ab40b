import { z } from 'zod';
import type { EventEnvelope } from './envelope';

/** Zod form of {@link Actor}. */
export const actorSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(z.string()),
  orgId: z.string().optional(),
  kind: z.enum(['user', 'service']).optional(),
});

/**
 * Zod form of {@link EventEnvelope} with `data` left open; the contract of the event's
 * type and version narrows `data` (see ContractRegistry.validate).
 */
export const envelopeSchema = z.object({
  eventId: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9-]*\.[A-Z][A-Za-z0-9]*$/, 'type must be <context>.<EventName>'),
  version: z.number().int().min(1),
  streamId: z.string().min(1),
  streamVersion: z.number().int().min(0),
  occurredAt: z.iso.datetime({ offset: true }),
  recordedAt: z.iso.datetime({ offset: true }),
  actor: actorSchema,
  orgId: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

// Compile-time guard: the schema's output must stay assignable to the envelope type.
const _envelopeSchemaMatchesType: (e: z.output<typeof envelopeSchema>) => EventEnvelope = (e) => e;
void _envelopeSchemaMatchesType;
