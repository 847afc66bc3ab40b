import { Pool } from 'pg';
import { createReadOnlyRole, InvalidEventError, personal, PostgresEventStore, type Fold, type RecordedEvent } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

/** The names a member stream has carried, as the fold saw them. */
const names: Fold<{ names: unknown[] }> = {
  initialState: () => ({ names: [] }),
  evolve: (s, e: RecordedEvent) => ({ names: [...s.names, (e.data as { name?: unknown }).name ?? null] }),
};
const policy = { snapshot: { foldVersion: 'names-v1', every: 2 } };

describe(`${PostgresEventStore.name} personal data in snapshots, metadata and the actor`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_personal_snap');
  });
  afterAll(() => f.close());

  async function enrol(sut: PostgresEventStore, id: string, name: string): Promise<string> {
    const stream = `member-${id}`;
    await sut.append(
      stream,
      [
        { type: 'organization.MemberJoined', data: { memberId: id, name: personal(stream, name) } },
        { type: 'organization.MemberRenamed', data: { memberId: id, name: personal(stream, `${name}-2`) } },
        { type: 'organization.MemberMoved', data: { memberId: id } },
      ],
      { expectedVersion: 'no_stream', context },
    );
    return stream;
  }

  it('keeps no personal value in clear in a snapshot row', async () => {
    const sut = f.store();
    const stream = await enrol(sut, 's1', '王五');
    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({
      state: { names: ['王五', '王五-2', null] },
      version: 3,
    });
    const { rows } = await f.db.pool.query<{ state: string; subjects: string[] }>(
      `select state::text as state, subjects from snapshots where stream_id = $1`,
      [stream],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).not.toContain('王五');
    expect(rows[0]!.subjects).toEqual([stream]);
    // The sealed snapshot is what the next load starts from: it still opens while the key lives.
    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({ state: { names: ['王五', '王五-2', null] } });
  });

  it('never brings a forgotten name back, from the snapshot row or from a copy of it restored later', async () => {
    const sut = f.store();
    const stream = await enrol(sut, 's2', '赵六');
    await sut.aggregateStream(stream, names, policy);
    const { rows: saved } = await f.db.pool.query(`select * from snapshots where stream_id = $1`, [stream]);
    expect(saved).toHaveLength(1);

    await expect(sut.forget(stream)).resolves.toBe(true);
    const forgotten = { names: [{ $forgotten: stream }, { $forgotten: stream }, null] };
    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({ state: forgotten, version: 3 });
    await expect(sut.asOf(stream, names, { version: 3 }, policy)).resolves.toMatchObject({ state: forgotten });

    // A snapshot that escaped the delete (a backup restored, a concurrent save) cannot be opened without the key.
    const s = saved[0] as Record<string, unknown>;
    await f.db.pool.query(
      `insert into snapshots (stream_id, fold_version, stream_version, max_recorded_at, state, subjects)
       values ($1, $2, $3, $4, $5, $6) on conflict (stream_id, fold_version) do update set state = excluded.state, subjects = excluded.subjects,
         stream_version = excluded.stream_version`,
      [s['stream_id'], s['fold_version'], s['stream_version'], s['max_recorded_at'], JSON.stringify(s['state']), s['subjects']],
    );
    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({ state: forgotten });
    const { rows: after } = await f.db.pool.query<{ state: string }>(`select state::text as state from snapshots where stream_id = $1`, [
      stream,
    ]);
    expect(after.map((r) => r.state).join()).not.toContain('赵六');
  });

  it('encrypts personal values in metadata like data, and forgets them with the subject', async () => {
    const sut = f.store();
    const stream = 'member-s3';
    await sut.append(
      stream,
      [{ type: 'organization.MemberJoined', data: { memberId: 's3' }, metadata: { enteredFor: personal(stream, '孙七') } }],
      { expectedVersion: 'no_stream', context },
    );
    const { rows } = await f.db.pool.query<{ canonical: string }>(`select canonical from events where stream_id = $1`, [stream]);
    expect(rows[0]!.canonical).not.toContain('孙七');
    expect((await sut.readStream(stream))[0]!.metadata).toEqual({ enteredFor: '孙七' });
    await sut.forget(stream);
    expect((await sut.readStream(stream))[0]!.metadata).toEqual({ enteredFor: { $forgotten: stream } });
  });

  it('refuses personal values in the actor, naming where they may go', async () => {
    const sut = f.store();
    const actor = { ...context.actor, name: personal('member-s4', '周八') };
    await expect(
      sut.append('member-s4', [{ type: 'organization.MemberJoined', data: {} }], {
        expectedVersion: 'any',
        context: { ...context, actor },
      }),
    ).rejects.toThrow(InvalidEventError);
    await expect(
      sut.append('member-s4', [{ type: 'organization.MemberJoined', data: {} }], {
        expectedVersion: 'any',
        context: { ...context, actor },
      }),
    ).rejects.toThrow(/personal\(\) values may not be in the context/);
    const { rows } = await f.db.pool.query(`select 1 from events where stream_id = 'member-s4'`);
    expect(rows).toHaveLength(0);
  });

  it('stores subject keys only wrapped, under the key-encryption key they name', async () => {
    const { rows } = await f.db.pool.query<{ key: Buffer | null; wrapped: Buffer | null; kek_id: string | null; key_id: string | null }>(
      `select key, wrapped, kek_id, key_id from personal_keys where forgotten_at is null`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.key).toBeNull();
      expect(r.wrapped?.length).toBe(12 + 16 + 32);
      expect(r.kek_id).toBe('dev-insecure');
      expect(r.key_id).toMatch(/^[0-9a-f]{12}$/);
    }
  });

  it('gives the auditor role no access to the subject keys; its store reads personal values as ciphertext', async () => {
    const role = `${f.db.schema}_auditor`;
    await createReadOnlyRole(f.admin, { schema: f.db.schema, role, password: 'auditor-test' });
    const url = new URL(f.db.url);
    url.username = role;
    url.password = 'auditor-test';
    const auditor = new Pool({ connectionString: url.toString(), max: 2 });
    try {
      await expect(auditor.query(`select * from personal_keys`)).rejects.toMatchObject({ code: '42501' });
      await expect(auditor.query(`select count(*) from events`)).resolves.toMatchObject({ rowCount: 1 });
      const sut = new PostgresEventStore(auditor, { schema: f.db.schema, personalData: 'withheld' });
      const [joined] = await sut.readStream('member-s1');
      expect(joined!.data).toMatchObject({ memberId: 's1', name: { $personal: { subject: 'member-s1' } } });
      expect(JSON.stringify(joined!.data)).not.toContain('王五');
      await expect(sut.aggregateStream('member-s1', names, policy)).resolves.toMatchObject({ version: 3 });
    } finally {
      await auditor.end();
      await f.admin.query(`drop owned by "${role}"; drop role "${role}"`);
    }
  });
});
