import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DeferredWrites } from '@vanguard/messaging';
import { memberState, orgState, pledgeMade, type TestOrg } from '../../../test/support/reporting-events';
import { reportingHandlers } from './projection-handlers';

/** A transaction that records what it is sent; an upsert `returning id` answers with the ids it was given. */
function recordingTx() {
  const sent: { sql: string; params: unknown[] }[] = [];
  const tx = {
    query: (sql: string, params: unknown[] = []) => {
      sent.push({ sql: sql.replace(/\s+/g, ' ').trim(), params });
      const rows = /returning id/.test(sql) ? (params[0] as string[]).map((id) => ({ id })) : [];
      return Promise.resolve({ rows, rowCount: rows.length });
    },
  } as unknown as PoolClient;
  return { tx, sent };
}

const origin = { topic: 't', partition: 0, offset: '0' };
const village = (): TestOrg => {
  const id = randomUUID();
  return { id, parentId: null, path: [id], code: '11', name: '村', level: 'village' };
};

/** ADR 0060: a transaction's events reach Postgres as one statement per table, sent when the deferred writes flush. */
describe('reporting handlers under deferred writes', () => {
  it("send a chunk's facts as one insert of all their rows, and nothing before the flush", async () => {
    const { tx, sent } = recordingTx();
    const deferred = new DeferredWrites<PoolClient>();
    const events = Array.from({ length: 30 }, () => pledgeMade(randomUUID()));
    for (const e of events) await reportingHandlers[e.type]!(e, { tx, origin, attempt: 1, deferred });
    expect(sent).toEqual([]);

    await deferred.flush(tx);
    expect(sent.map((s) => s.sql.slice(0, 20))).toEqual(['insert into rpt_fact']);
    expect(sent[0]!.params[0]).toEqual(events.map((e) => e.eventId));
    await deferred.flush(tx);
    expect(sent).toHaveLength(1);
  });

  it("send an organisation's highest version only (the first of equals), its lock first, and notify what changed", async () => {
    const { tx, sent } = recordingTx();
    const deferred = new DeferredWrites<PoolClient>();
    const [a, b] = [village(), village()];
    const states = [
      orgState(a, 2, { name: 'second' }),
      orgState(b, 1),
      orgState(a, 3, { name: 'third' }),
      orgState(a, 1, { name: 'first' }),
      orgState(a, 3, { name: 'third again' }),
    ];
    for (const e of states) await reportingHandlers[e.type]!(e, { tx, origin, attempt: 1, deferred });
    await deferred.flush(tx);

    const ids = [a.id, b.id].sort();
    expect(sent.map((s) => s.sql.slice(0, 26))).toEqual([
      'select rpt_total_lock($1, ',
      'insert into rpt_org (id, p',
      'select pg_notify(current_s',
    ]);
    expect([sent[0]!.params, sent[0]!.sql.endsWith(', true)')]).toEqual([['', ids], true]);
    const upsert = sent[1]!.params as unknown[][];
    expect(upsert[0]).toEqual(ids);
    expect(upsert[4]![ids.indexOf(a.id)]).toBe('third');
    expect(upsert[9]![ids.indexOf(a.id)]).toBe(3);
    expect(sent[2]!.params).toEqual(['_rpt_org', ids]);
  });

  it('send member states as one upsert after locking their organisations, and write at once without deferred writes', async () => {
    const { tx, sent } = recordingTx();
    const deferred = new DeferredWrites<PoolClient>();
    const org = randomUUID();
    for (const e of [memberState(org), memberState(org)]) await reportingHandlers[e.type]!(e, { tx, origin, attempt: 1, deferred });
    await deferred.flush(tx);
    expect(sent.map((s) => s.sql.slice(0, 24))).toEqual(['select rpt_total_lock($1', 'insert into rpt_member (']);
    expect((sent[1]!.params[0] as string[]).length).toBe(2);

    const alone = recordingTx();
    const e = pledgeMade(org);
    await reportingHandlers[e.type]!(e, { tx: alone.tx, origin, attempt: 1 });
    expect(alone.sent.map((s) => s.sql.slice(0, 20))).toEqual(['insert into rpt_fact']);
  });
});
