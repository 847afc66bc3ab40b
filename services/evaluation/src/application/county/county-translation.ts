import { applied, refused, type CountyMessage, type CountyOutcome } from '@vanguard/county-inbound';
import { BusinessRuleViolation, DomainError, type Decider } from '@vanguard/kernel';
import type { Loaded, StreamContext } from '../ports/streams.port';

/**
 * A domain refusal as a county reply: a broken versioned rule is named `<rule id>@<version>` (the
 * same reference decisions record), any other coded refusal by its code. Anything else is not
 * a refusal but a failure worth a retry, so it is rethrown.
 */
export function refusalOf(e: unknown): CountyOutcome {
  if (e instanceof BusinessRuleViolation) {
    const rule = e.rule as { id?: string; version?: number };
    const code = rule.id ? `${rule.id}@${rule.version ?? 1}` : e.code;
    return refused(code, `${e.code}: ${e.message}`);
  }
  if (e instanceof DomainError) return refused(e.code, e.message);
  throw e;
}

/** The event store as a county translation needs it: fold through the pool, append inside the gate's transaction. */
export interface CountyStreamsPort<TTx> {
  load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>>;
  append(
    tx: TTx,
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    ctx: StreamContext,
  ): Promise<number>;
}

export const COUNTY_STREAMS = Symbol('COUNTY_STREAMS');

/** What one message asks of one stream: refuse outright, or a command decided on the stream's state. */
export type Translation<C, S> =
  | { readonly outcome: CountyOutcome }
  | {
      readonly streamId: string;
      readonly scopeOrgId: (state: S) => string;
      /** Builds the command from the state as folded so far (earlier messages of the batch included), or refuses. */
      readonly command: (state: S) => C | CountyOutcome | Promise<C | CountyOutcome>;
      readonly result?: Record<string, string>;
      /** Runs in the gate's transaction once the events are appended: what they leave out (a window unit's counted record ids, ADR 0122). */
      readonly appended?: () => Promise<void>;
    };

const isOutcome = (x: unknown): x is CountyOutcome =>
  typeof x === 'object' &&
  x !== null &&
  'outcome' in x &&
  ((x as CountyOutcome).outcome === 'applied' || (x as CountyOutcome).outcome === 'refused');

/**
 * Decides each message of a batch on its stream and appends in the gate's transaction. A stream
 * is folded once per batch and the events decided for an earlier message are folded into it in
 * memory, so two messages about one pledge in one batch see each other and append at the right
 * version. A refusal touches nothing; a failure (a concurrent change, the database) throws and the
 * gate retries the whole batch.
 */
export async function decideEach<TTx, M extends CountyMessage, C, S, E>(
  tx: TTx,
  streams: CountyStreamsPort<TTx>,
  decider: Decider<C, S, E>,
  messages: readonly M[],
  translate: (message: M) => Translation<C, S> | Promise<Translation<C, S>>,
): Promise<CountyOutcome[]> {
  const folded = new Map<string, Loaded<S>>();
  const outcomes: CountyOutcome[] = [];
  for (const message of messages) {
    const t = await translate(message);
    if ('outcome' in t) {
      outcomes.push(t.outcome);
      continue;
    }
    const current = folded.get(t.streamId) ?? (await streams.load(t.streamId, decider));
    let events: E[];
    try {
      const command = await t.command(current.state);
      if (isOutcome(command)) {
        outcomes.push(command);
        continue;
      }
      events = decider.decide(command, current.state);
    } catch (e) {
      outcomes.push(refusalOf(e));
      continue;
    }
    const version = await streams.append(tx, t.streamId, events as never, current.version, contextOf(message, t.scopeOrgId(current.state)));
    await t.appended?.();
    folded.set(t.streamId, { state: events.reduce((s, e) => decider.evolve(s, e), current.state), version });
    outcomes.push(applied({ ...t.result, streamId: t.streamId, version: String(version) }));
  }
  return outcomes;
}

/** The county system is the actor (as its token proved it); the county's message id correlates the events with its reply. */
function contextOf(message: CountyMessage, orgId: string): StreamContext {
  const { sub, countyOrgId } = message.sender;
  return {
    actor: { sub, roles: ['county_system'], orgId: countyOrgId, kind: 'service' },
    orgId,
    correlationId: message.event.correlationId || message.messageId,
  };
}
