import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { earlierCheckpoints, earlierSizes, MAX_NAMED_EARLIER } from '../src/application/earlier-checkpoints';
import { auditConfig } from '../src/audit.config';

/**
 * Which published checkpoints a bundle carries (ADR 0070): exactly the named ones, or the bounded
 * default — the four latest, the latest at or below each halving of the bundle's size, the first
 * ever — read through the service role's pool, as the export reads them.
 */
describe('earlier checkpoints of an export (integration)', () => {
  let db: TestSchema;
  let store: string;
  let service: Pool;

  beforeAll(async () => {
    const config = auditConfig(infraConfig(), 'test');
    db = await createTestSchema('earlier_cps'); // its name keys this suite's rows, as a store's schema does
    store = db.schema;
    service = new Pool({ connectionString: config.trailDatabaseUrl, max: 1 });
    // A hundred published checkpoints of sizes 10, 20, … 1000 (their notes stand for the signed text).
    await db.pool.query(
      `insert into audit.log_checkpoints (store, size, root, note)
       select $1, s * 10, 'root', 'note of ' || (s * 10) from generate_series(1, 100) s`,
      [store],
    );
  });
  afterAll(async () => {
    if (db) await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [store]);
    await service?.end();
    await db?.drop();
  });

  it('carries by default the latest four, one per halving of the size, and the first, oldest first, as published', async () => {
    const at1000 = await earlierCheckpoints(service, store, 1000);
    expect(at1000.map((c) => c.size)).toEqual([10, 30, 60, 120, 250, 500, 970, 980, 990, 1000]);
    expect(at1000[0]).toEqual({ size: 10, note: 'note of 10' });
    expect((await earlierCheckpoints(service, store, 995)).map((c) => c.size)).toEqual([10, 30, 60, 120, 240, 490, 960, 970, 980, 990]);
    expect(await earlierCheckpoints(service, store, 9)).toEqual([]);
    expect(await earlierCheckpoints(service, `${store}_none`, 1000)).toEqual([]);
  });

  it('carries exactly the named sizes, refusing one never published or beyond the export', async () => {
    expect((await earlierCheckpoints(service, store, 995, [20, 700])).map((c) => c.size)).toEqual([20, 700]);
    await expect(earlierCheckpoints(service, store, 995, [20, 25])).rejects.toMatchObject({ status: 404 });
    await expect(earlierCheckpoints(service, store, 995, [1000])).rejects.toMatchObject({ status: 400 });
  });

  it('reads the earlier query parameter strictly', () => {
    expect(earlierSizes(undefined)).toBeUndefined();
    expect(earlierSizes(['700', '20', '700'])).toEqual([20, 700]);
    for (const bad of ['0', '-1', '1.5', '01', 'x', ['1', {}], Array.from({ length: MAX_NAMED_EARLIER + 1 }, (_, i) => `${i + 1}`)])
      expect(() => earlierSizes(bad)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
