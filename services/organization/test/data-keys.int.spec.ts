import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { dataKeysTableSql, KekRing, loadDataKeys, newKek, pgSql, rewrapAndStage, stagedKeyId } from '@vanguard/keys';

describe(loadDataKeys.name, () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema('keys_active');
    await db.pool.query(dataKeysTableSql());
  });
  afterAll(() => db.drop());

  it('takes the most recently activated data key by instant, also across a change of UTC offset in the session time zone', async () => {
    const kekA = newKek('kek-a');
    const kekB = newKek('kek-b');
    const ring = new KekRing(kekB, [kekA]);
    await loadDataKeys(pgSql(db.pool), new KekRing(kekA));
    await rewrapAndStage(pgSql(db.pool), ring);
    // d0 at 01:30 EDT (05:30 UTC); the newer key an hour of clock time "earlier", at 01:10 EST (06:10 UTC).
    await db.pool.query(`update data_keys set activated_at = '2026-11-01 05:30:00+00' where key_id = 'd0'`);
    await db.pool.query(`update data_keys set activated_at = '2026-11-01 06:10:00+00' where key_id = $1`, [stagedKeyId(kekB.id)]);

    const client = await db.pool.connect();
    try {
      await client.query(`set time zone 'America/New_York'`);
      const keys = await loadDataKeys(pgSql(client), ring);
      expect(keys.active.id).toBe(stagedKeyId(kekB.id));
      expect(keys.byId.has('d0')).toBe(true);
    } finally {
      await client.query('reset time zone');
      client.release();
    }
  });
});
