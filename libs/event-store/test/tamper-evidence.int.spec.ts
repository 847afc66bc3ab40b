import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { chainHash, createReadOnlyRole, createServiceRole, PostgresEventStore, type RecordedEvent } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

describe(`${PostgresEventStore.name} tamper evidence`, () => {
  let f: StoreFixture;
  let sut: PostgresEventStore;
  const roles: string[] = [];

  beforeAll(async () => {
    f = await storeFixture('es_tamper');
    sut = f.store();
    for (const s of ['ledger-a', 'ledger-b', 'ledger-c']) {
      await sut.append(
        s,
        [1, 2, 3].map((n) => counted('test.Counted', n)),
        { expectedVersion: 'no_stream', context },
      );
    }
  });
  afterAll(async () => {
    const admin = f.admin;
    await f.db.drop();
    for (const r of roles) await admin.query(`drop role if exists "${r}"`);
    await admin.end();
  });

  /** Runs statements as the owner with ordinary triggers off, the way an insider would. */
  async function asOwnerBypassingTriggers(sql: string, values: unknown[] = []): Promise<void> {
    const c = await f.admin.connect();
    try {
      await c.query(`set search_path = "${f.db.schema}"`);
      await c.query('set session_replication_role = replica');
      await c.query(sql, values);
    } finally {
      await c.query('reset session_replication_role').catch(() => undefined);
      await c.query('reset search_path').catch(() => undefined);
      c.release();
    }
  }

  it('verifies an untouched store, a stream and a position range', async () => {
    await expect(sut.verify()).resolves.toEqual({ ok: true, checkedEvents: 9, checkedStreams: 3 });
    await expect(sut.verify({ stream: 'ledger-b' })).resolves.toEqual({ ok: true, checkedEvents: 3, checkedStreams: 1 });
    const positions = (await sut.readStream('ledger-b')).map((e) => e.position);
    await expect(sut.verify({ fromPosition: positions[1]!, toPosition: positions[2]! })).resolves.toMatchObject({
      ok: true,
      checkedEvents: 2,
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on events, even for the owner', async () => {
    await expect(f.db.pool.query(`update events set type = 'test.Rewritten'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(f.db.pool.query('delete from events')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(f.db.pool.query('truncate events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await sut.verify()).ok).toBe(true);
  });

  it('gives the service role INSERT and SELECT on events but no UPDATE or DELETE; auditors only SELECT', async () => {
    const service = `${f.db.schema}_svc`;
    const auditor = `${f.db.schema}_audit`;
    roles.push(service, auditor);
    await createServiceRole(f.admin, { schema: f.db.schema, role: service });
    await createServiceRole(f.admin, { schema: f.db.schema, role: service }); // idempotent
    await createReadOnlyRole(f.admin, { schema: f.db.schema, role: auditor });
    const c = await f.admin.connect();
    try {
      await c.query(`set role "${service}"`);
      await c.query(`set search_path = "${f.db.schema}"`);
      const appended = await sut.append('ledger-svc', [counted()], { expectedVersion: 'no_stream', context, client: c });
      expect(appended.nextExpectedVersion).toBe(1);
      await expect(c.query(`update "${f.db.schema}".events set type = 'x' where stream_id = 'ledger-svc'`)).rejects.toMatchObject({
        code: '42501',
      });
      await expect(c.query(`delete from "${f.db.schema}".events`)).rejects.toMatchObject({ code: '42501' });
      await expect(c.query(`truncate "${f.db.schema}".events`)).rejects.toMatchObject({ code: '42501' });
      await c.query(`set role "${auditor}"`);
      await expect(c.query(`select count(*) from "${f.db.schema}".events`)).resolves.toMatchObject({ rowCount: 1 });
      await expect(sut.append('ledger-aud', [counted()], { expectedVersion: 'no_stream', context, client: c })).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await c.query('reset role');
      await c.query('reset search_path');
      c.release();
    }
  });

  it('names the first broken link when the owner rewrites an event with triggers disabled', async () => {
    await asOwnerBypassingTriggers(
      `update events set canonical = replace(canonical, '"data":{"n":2}', '"data":{"n":999}')
        where stream_id = 'ledger-b' and stream_version = 2`,
    );
    const [, tampered] = await sut.readStream('ledger-b');
    const report = await sut.verify();
    expect(report).toMatchObject({
      ok: false,
      broken: {
        streamId: 'ledger-b',
        streamVersion: 2,
        position: tampered!.position,
        reason: 'hash_mismatch',
        expected: chainHash(tampered!.prevHash, { ...tampered!, data: { n: 999 } }),
        found: tampered!.hash,
      },
    });
    expect((await sut.verify({}, { parallelism: 1 })).checkedEvents).toBe(4); // ledger-a (3) and ledger-b@1 before the break
    expect(await sut.verify({}, { parallelism: 3 })).toMatchObject({ ok: false, broken: report.ok ? undefined : report.broken });
    expect((await sut.verify({ stream: 'ledger-a' })).ok).toBe(true);
    expect((await sut.verify({ stream: 'ledger-b' })).ok).toBe(false);
    expect((await sut.verify({ fromPosition: tampered!.position, toPosition: tampered!.position })).ok).toBe(false);
  });

  it('catches a rewrite that also recomputes the hash: the next link no longer matches', async () => {
    const events = await sut.readStream('ledger-c');
    const forged: RecordedEvent = { ...events[1]!, data: { n: -1 } };
    const forgedHash = chainHash(forged.prevHash, forged);
    await asOwnerBypassingTriggers(
      `update events set canonical = replace(canonical, '"data":{"n":2}', '"data":{"n":-1}'), hash = $1
        where stream_id = 'ledger-c' and stream_version = 2`,
      [forgedHash],
    );
    await expect(sut.verify({ stream: 'ledger-c' })).resolves.toMatchObject({
      ok: false,
      broken: { streamId: 'ledger-c', streamVersion: 3, reason: 'prev_hash_mismatch', expected: forgedHash, found: events[1]!.hash },
    });
  });

  it.each([
    ['org_id', `org_id = 'org-2'`],
    ['type', `type = 'test.Forged'`],
    ['occurred_at', `occurred_at = occurred_at + interval '1 millisecond'`],
    ['recorded_at', `recorded_at = recorded_at - interval '1 hour'`],
    ['causation_id', `causation_id = 'cmd-forged'`],
    ['event_id', `event_id = '55555555-5555-4555-8555-555555555555'`],
  ])('catches the queryable column %s changed without the hashed text', async (column, assignment) => {
    const stream = `ledger-col${column.replace('_', '')}`;
    await sut.append(
      stream,
      [1, 2].map((n) => counted('test.Counted', n)),
      { expectedVersion: 'no_stream', context },
    );
    await asOwnerBypassingTriggers(`update events set ${assignment} where stream_id = '${stream}' and stream_version = 2`);
    await expect(sut.verify({ stream })).resolves.toMatchObject({
      ok: false,
      broken: { streamId: stream, streamVersion: 2, reason: 'column_mismatch', expected: `${column} as in the hashed canonical text` },
    });
    await expect(sut.verify({ stream }, { checkColumns: false })).resolves.toMatchObject({ ok: true });
    expect((await sut.readStream(stream))[1]!.orgId).toBe('org-1'); // readers read the hashed text
  });

  it('catches a deleted last event against the stream head, and a deleted middle event as a gap', async () => {
    await sut.append(
      'ledger-d',
      [1, 2, 3].map((n) => counted('test.Counted', n)),
      { expectedVersion: 'no_stream', context },
    );
    await sut.append(
      'ledger-e',
      [1, 2, 3].map((n) => counted('test.Counted', n)),
      { expectedVersion: 'no_stream', context },
    );
    const d = await sut.readStream('ledger-d');
    await asOwnerBypassingTriggers(`delete from events where stream_id = 'ledger-d' and stream_version = 3`);
    await asOwnerBypassingTriggers(`delete from events where stream_id = 'ledger-e' and stream_version = 2`);
    await expect(sut.verify({ stream: 'ledger-d' })).resolves.toMatchObject({
      ok: false,
      broken: { streamId: 'ledger-d', streamVersion: 3, reason: 'head_mismatch', expected: d[2]!.hash, found: '(missing event)' },
    });
    await expect(sut.verify({ stream: 'ledger-e' })).resolves.toMatchObject({
      ok: false,
      broken: { streamId: 'ledger-e', streamVersion: 3, reason: 'version_gap', expected: 'version 2', found: 'version 3' },
    });
  });

  it('is verified independently of the library: a second connection recomputes with its own code', async () => {
    // Guards against the writer and the verifier sharing a bug: Postgres' own sha256 over the stored text.
    const pool = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
    try {
      const { rows } = await pool.query<{ ok: boolean }>(
        `select e.hash = encode(sha256(convert_to(e.prev_hash || $1, 'UTF8')), 'hex') as ok from "${f.db.schema}".events e where stream_id = 'ledger-a' and stream_version = 1`,
        [canonicalText((await sut.readStream('ledger-a'))[0]!)],
      );
      expect(rows[0]!.ok).toBe(true);
    } finally {
      await pool.end();
    }
  });
});

function canonicalText(e: RecordedEvent): string {
  // Written out by hand (sorted keys, no whitespace) rather than via the library's serialiser.
  return `{"actor":{"kind":"user","orgId":"org-1","roles":["organizer"],"sub":"user-1"},"causationId":null,"correlationId":"corr-1","data":{"n":1},"eventId":"${e.eventId}","occurredAt":"${e.occurredAt}","orgId":"org-1","recordedAt":"${e.recordedAt}","streamId":"ledger-a","streamVersion":1,"type":"test.Counted","version":1}`;
}
