import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DeferredWrites } from '@vanguard/messaging';
import { EventSigner, developmentEventKey, serviceEventVerifier, signWithDevelopmentKey } from '@vanguard/auth';
import { memberState, orgState, pledgeMade, removalHeaders, stateRemoval, type TestOrg } from '../../../test/support/reporting-events';
import { DeedDone, PledgeMade } from '@vanguard/contracts';
import { reportingHandlers, tombstoneRemoval, tombstoneTarget } from './projection-handlers';
import { stateTopics } from './source-topics';

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

describe(tombstoneTarget.name, () => {
  const topics = stateTopics('t1');
  const id = randomUUID();

  it('tombstoneTarget_OnTheStateTopicOfItsKind_DeletesThatRow', () => {
    expect(tombstoneTarget({ topic: topics.organization, key: `organization-${id}` }, topics)).toEqual({ kind: 'organization', id });
    expect(tombstoneTarget({ topic: topics.member, key: `member-${id}` }, topics)).toEqual({ kind: 'member', id });
  });

  it('tombstoneTarget_OnAnEventsTopic_OrTheOtherKindsStateTopic_OrWithAnUnknownKey_IsRefused', () => {
    const refused = [
      { topic: `t1.${PledgeMade.topic}`, key: `organization-${id}` },
      { topic: `t1.${DeedDone.topic}`, key: `member-${id}` },
      { topic: topics.member, key: `organization-${id}` },
      { topic: topics.organization, key: `member-${id}` },
      { topic: topics.organization, key: 'organization-x' },
      { topic: topics.member, key: null },
    ];
    for (const t of refused) expect(tombstoneTarget(t, topics)).toEqual({ refused: expect.any(String) });
  });
});

describe(tombstoneRemoval.name, () => {
  const topics = stateTopics('t1');
  const verifier = serviceEventVerifier('reporting');
  const id = randomUUID();
  const key = `member-${id}`;
  const signed = (k: string, version = 7) => removalHeaders(signWithDevelopmentKey(stateRemoval(k, version)));

  it('tombstoneRemoval_WithOrganizationsSignedRemovalOfItsKey_RemovesAtTheRemovalsVersion', () => {
    expect(tombstoneRemoval({ topic: topics.member, key, headers: signed(key) }, topics, verifier)).toEqual({
      kind: 'member',
      id,
      version: 7,
    });
    const org = `organization-${id}`;
    expect(tombstoneRemoval({ topic: topics.organization, key: org, headers: signed(org, 9) }, topics, verifier)).toEqual({
      kind: 'organization',
      id,
      version: 9,
    });
  });

  it('tombstoneRemoval_Bare_Unsigned_SignedByAnotherKey_OfAnotherKey_OrNotJson_IsRefused', () => {
    const other = `member-${randomUUID()}`;
    const byAnotherKey = new EventSigner('organization', developmentEventKey('publicity'), 'organization-dev-1').sign(stateRemoval(key, 7));
    const tampered = JSON.parse(signed(key)['vg-state-removal']!) as { streamVersion: number };
    tampered.streamVersion = 8;
    const refused = [
      undefined,
      {},
      removalHeaders(stateRemoval(key, 7)),
      removalHeaders(byAnotherKey),
      { 'vg-state-removal': JSON.stringify(tampered) },
      signed(other),
      signed(`organization-${id}`),
      { 'vg-state-removal': '{not json' },
      // A signed state of the key is no removal.
      { 'vg-state-removal': JSON.stringify(signWithDevelopmentKey(memberState(randomUUID(), id))) },
    ];
    for (const headers of refused)
      expect(tombstoneRemoval({ topic: topics.member, key, headers }, topics, verifier)).toEqual({ refused: expect.any(String) });
  });

  it('tombstoneRemoval_OffTheStateTopicOfItsKind_IsRefusedWhateverItCarries', () => {
    expect(tombstoneRemoval({ topic: topics.organization, key, headers: signed(key) }, topics, verifier)).toEqual({
      refused: expect.stringMatching(/^tombstone of a member on/),
    });
  });
});
