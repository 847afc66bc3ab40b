import { isForgotten, personal, PostgresEventStore, SubjectForgottenError } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

describe(`${PostgresEventStore.name} personal data`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_personal');
  });
  afterAll(() => f.close());

  it('stores personal values encrypted, reads them back, and after forget reads them as forgotten while the chain verifies', async () => {
    const sut = f.store();
    await sut.append(
      'member-m1',
      [
        {
          type: 'organization.MemberJoined',
          data: {
            memberId: 'm1',
            name: personal('member-m1', '张三'),
            idNumber: personal('member-m1', '110101199001011234'),
            branch: 'b-7',
          },
        },
        { type: 'organization.MemberMoved', data: { memberId: 'm1', branch: 'b-8' } },
      ],
      { expectedVersion: 'no_stream', context },
    );
    await sut.append(
      'member-m2',
      [{ type: 'organization.MemberJoined', data: { memberId: 'm2', name: personal('member-m2', '李四'), branch: 'b-7' } }],
      { expectedVersion: 'no_stream', context },
    );

    const { rows } = await f.db.pool.query<{ data: string }>(`select canonical as data from events`);
    expect(rows.map((r) => r.data).join()).not.toMatch(/张三|李四|110101199001011234/);

    expect((await sut.readStream('member-m1'))[0]!.data).toEqual({
      memberId: 'm1',
      name: '张三',
      idNumber: '110101199001011234',
      branch: 'b-7',
    });

    await expect(sut.forget('member-m1')).resolves.toBe(true);
    await expect(sut.forget('member-m1')).resolves.toBe(false);

    const after = (await sut.readStream('member-m1'))[0]!.data as Record<string, unknown>;
    expect(isForgotten(after['name'])).toBe(true);
    expect(isForgotten(after['idNumber'])).toBe(true);
    expect(after).toMatchObject({ memberId: 'm1', branch: 'b-7' });
    expect((await sut.readStream('member-m2'))[0]!.data).toMatchObject({ name: '李四' });

    await expect(sut.verify()).resolves.toMatchObject({ ok: true, checkedEvents: 3 });
    const { rows: keys } = await f.db.pool.query<{ key: Buffer | null }>(`select key from personal_keys where subject_id = 'member-m1'`);
    expect(keys[0]!.key).toBeNull();
  });

  it('refuses new personal data for a forgotten person', async () => {
    const sut = f.store();
    await expect(
      sut.append('member-m1', [{ type: 'organization.MemberRenamed', data: { name: personal('member-m1', 'Zhang') } }], {
        expectedVersion: 'any',
        context,
      }),
    ).rejects.toBeInstanceOf(SubjectForgottenError);
  });

  it('refuses personal data of a person forgotten before anything of theirs was written', async () => {
    const sut = f.store();
    await expect(sut.forget('member-m9')).resolves.toBe(true);
    await expect(
      sut.append('member-m9', [{ type: 'organization.MemberJoined', data: { name: personal('member-m9', 'Wang') } }], {
        expectedVersion: 'any',
        context,
      }),
    ).rejects.toBeInstanceOf(SubjectForgottenError);
    await expect(sut.forget('member-m9')).resolves.toBe(false);
  });

  it('forgets a person whose first write is committing at the same time', async () => {
    const sut = f.store();
    const client = await f.db.pool.connect();
    try {
      await client.query('begin');
      await sut.append('member-m10', [{ type: 'organization.MemberJoined', data: { name: personal('member-m10', 'Zhao') } }], {
        expectedVersion: 'no_stream',
        context,
        client,
      });
      const forgetting = sut.forget('member-m10');
      await new Promise((r) => setTimeout(r, 50));
      await client.query('commit');
      await expect(forgetting).resolves.toBe(true);
    } finally {
      client.release();
    }
    expect(isForgotten(((await sut.readStream('member-m10'))[0]!.data as Record<string, unknown>)['name'])).toBe(true);
  });
});
