import type { Actor } from '../ports/actor';
import type { EventContext } from '../ports/outbox.port';

/** Who sends a command and in which request; becomes the events' actor and correlation. */
export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
}

export const eventContext = (ctx: CommandContext): EventContext => ({
  actor: ctx.actor,
  correlationId: ctx.correlationId,
  causationId: null,
});
