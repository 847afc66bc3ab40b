import { personal } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

describe('personal data: a new subject appended to by many at once', () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_new_subject');
  });
  afterAll(() => f.close());

  it('gives every concurrent append the one key the subject gets, never "no key"', async () => {
    const sut = f.store({ groupCommit: false });
    for (let round = 0; round < 25; round++) {
      const subject = `member-r${round}`;
      // Eight appends race to make the subject's first key, each on its own stream.
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          sut.append(`note-r${round}-${i}`, [{ type: 'test.Noted', data: { who: personal(subject, `name-${round}`) } }], {
            expectedVersion: 'no_stream',
            context,
          }),
        ),
      );
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
      expect(failed).toEqual([]);
      const { rows } = await f.db.pool.query(`select key_id from personal_keys where subject_id = $1`, [subject]);
      expect(rows).toHaveLength(1);
      for (let i = 0; i < 8; i++) expect((await sut.readStream(`note-r${round}-${i}`))[0]!.data).toEqual({ who: `name-${round}` });
    }
  });
});
