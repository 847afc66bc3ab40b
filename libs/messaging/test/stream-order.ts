// A witness of per-stream order and exactly-once effects for the consumer's interleaving suites.
import type { PoolClient } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import type { TestSchema } from '@vanguard/testing';

export const EFFECTS_DDL = `create table effects (
  id bigserial primary key, event_id uuid not null, stream text not null, seq int not null, member text not null)`;

/**
 * Records each effect in the handler's transaction and, before it, checks what that transaction
 * sees of the stream: every earlier event of the stream has taken effect (or was given up on:
 * dead-lettered), and no later one has. A violation is a later event handled while an earlier
 * one still waited for its retry, or an effect repeated.
 */
export class StreamOrderWitness {
  readonly violations: string[] = [];

  constructor(private readonly givenUp: (stream: string, seq: number) => boolean = () => false) {}

  async check(tx: PoolClient, e: EventEnvelope): Promise<void> {
    const { rows } = await tx.query<{ seq: number }>('select seq from effects where stream = $1', [e.streamId]);
    const seen = new Set(rows.map((r) => r.seq));
    for (let seq = 1; seq < e.streamVersion; seq++) {
      if (!seen.has(seq) && !this.givenUp(e.streamId, seq)) this.violations.push(`${e.streamId}#${e.streamVersion} before #${seq}`);
    }
    const later = rows.filter((r) => r.seq >= e.streamVersion).map((r) => r.seq);
    if (later.length) this.violations.push(`${e.streamId}#${e.streamVersion} after #${later.join(',')}`);
  }

  async record(tx: PoolClient, e: EventEnvelope, member: string): Promise<void> {
    await this.check(tx, e);
    await tx.query('insert into effects (event_id, stream, seq, member) values ($1, $2, $3, $4)', [
      e.eventId,
      e.streamId,
      e.streamVersion,
      member,
    ]);
  }
}

/** Effects per event, and each stream's effects in commit-id order. */
export async function effectsOf(
  db: TestSchema,
): Promise<{ count: Map<string, number>; member: Map<string, string>; order: Map<string, number[]> }> {
  const { rows } = await db.pool.query<{ event_id: string; stream: string; seq: number; member: string }>(
    'select event_id, stream, seq, member from effects order by id',
  );
  const count = new Map<string, number>();
  const member = new Map<string, string>();
  const order = new Map<string, number[]>();
  for (const r of rows) {
    count.set(r.event_id, (count.get(r.event_id) ?? 0) + 1);
    member.set(r.event_id, r.member);
    order.set(r.stream, [...(order.get(r.stream) ?? []), r.seq]);
  }
  return { count, member, order };
}

/** `streams` streams of `versions` events each, shuffled across streams but in version order within each. */
export function interleavedStreams(
  rnd: () => number,
  streams: number,
  versions: number,
  event: (stream: string, version: number) => EventEnvelope,
): EventEnvelope[] {
  const next = Array.from({ length: streams }, () => 1);
  const out: EventEnvelope[] = [];
  while (out.length < streams * versions) {
    const open = next.flatMap((v, s) => (v <= versions ? [s] : []));
    const s = open[Math.floor(rnd() * open.length)]!;
    out.push(event(`s${s}`, next[s]!++));
  }
  return out;
}
