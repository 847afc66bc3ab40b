import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { waitUntil } from '@vanguard/testing';
import { CampaignBusyError, SqlZonedUnits } from '../src/infrastructure/field-work/sql-zoned-units';

// The campaign's designation lock across replicas: two SqlZonedUnits are two replicas (each its own
// in-process chain), sharing only Postgres.
describe('SqlZonedUnits across replicas', () => {
  const pool = new Pool({ connectionString: infraConfig().testDatabaseUrl, options: '-c search_path=evaluation', max: 4 });
  afterAll(() => pool.end());

  /** Sessions holding the campaign's designation lock (the key as SqlZonedUnits makes it, in this schema). */
  const holders = async (campaign: string) =>
    Number(
      (
        await pool.query<{ n: string }>(
          `select count(*) as n from pg_locks
            where locktype = 'advisory' and granted and objsubid = 1
              and ((classid::bigint << 32) | objid::bigint) = hashtextextended('evaluation:zone-designation:' || $1, 0)`,
          [campaign],
        )
      ).rows[0]!.n,
    );

  it('keeps another replica out while one designates, refusing it as busy after its wait, and lets it in once released', async () => {
    const campaign = randomUUID();
    const first = new SqlZonedUnits(pool);
    const second = new SqlZonedUnits(pool, 300);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside = false;
    const designating = first.exclusively(campaign, async () => {
      inside = true;
      await held;
      return 'first';
    });
    await waitUntil('the first replica inside', () => inside);
    expect(await holders(campaign)).toBe(1);

    await expect(second.exclusively(campaign, () => Promise.resolve('second'))).rejects.toBeInstanceOf(CampaignBusyError);
    // Another campaign is not held up.
    await expect(second.exclusively(randomUUID(), () => Promise.resolve('other'))).resolves.toBe('other');

    release();
    await expect(designating).resolves.toBe('first');
    await expect(second.exclusively(campaign, () => Promise.resolve('second'))).resolves.toBe('second');
  });

  it('frees the lock when the work throws, in its own replica and in another', async () => {
    const campaign = randomUUID();
    const sut = new SqlZonedUnits(pool, 300);
    await expect(sut.exclusively(campaign, () => Promise.reject(new Error('decider refused')))).rejects.toThrow('decider refused');
    await expect(sut.exclusively(campaign, () => Promise.resolve('again'))).resolves.toBe('again');
    await expect(new SqlZonedUnits(pool, 300).exclusively(campaign, () => Promise.resolve('elsewhere'))).resolves.toBe('elsewhere');
    expect(await holders(campaign)).toBe(0);
  });
});
