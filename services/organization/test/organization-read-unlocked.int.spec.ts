import { DataSource } from 'typeorm';
import type { TestSchema } from '@vanguard/testing';
import { OrganizationOrmEntity } from '../src/infrastructure/persistence/organization.orm-entity';
import { TypeOrmOrganizationRepository } from '../src/infrastructure/persistence/typeorm-organization.repository';
import { TypeOrmUnitOfWork } from '../src/infrastructure/persistence/typeorm-unit-of-work';
import { isolatedOrganizationSchema } from './support/isolated-schema';

// The unlocked read (a named statement, ADR 0084) and the locked one (TypeORM's query builder)
// must restore the same organisation, whatever its row holds: compared on every organisation of
// the demo region, some of them merged, dissolved, temporary or renamed first.
describe('organisation read without a lock', () => {
  let db: TestSchema;
  let ds: DataSource;
  let sut: TypeOrmOrganizationRepository;
  let uow: TypeOrmUnitOfWork;

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_read_unlocked');
    ds = new DataSource({ type: 'postgres', url: db.url, schema: db.schema, entities: [OrganizationOrmEntity] });
    await ds.initialize();
    uow = new TypeOrmUnitOfWork(ds);
    sut = new TypeOrmOrganizationRepository(uow);
    const { rows } = await db.pool.query<{ id: string }>(`select id from organizations where parent_id is not null order by path limit 4`);
    const [merged, into, dissolved, temporary] = rows.map((r) => r.id);
    await db.pool.query(`update organizations set status = 'merged', merged_into_id = $2, version = version + 3 where id = $1`, [
      merged,
      into,
    ]);
    await db.pool.query(`update organizations set status = 'dissolved', name = name || '（已撤销）' where id = $1`, [dissolved]);
    await db.pool.query(`update organizations set temporary = true, established_on = '1999-12-31' where id = $1`, [temporary]);
  }, 120_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('restores every organisation exactly as the locked read does', async () => {
    const { rows } = await db.pool.query<{ id: string }>(`select id from organizations order by path`);
    expect(rows.length).toBeGreaterThan(5);
    for (const { id } of rows) {
      const unlocked = await sut.findById(id);
      const locked = await uow.run(() => sut.findById(id, 'share'));
      expect(unlocked).toEqual(locked);
      expect(unlocked?.id).toBe(id);
    }
    const statuses = await Promise.all(rows.map(async ({ id }) => (await sut.findById(id))!.status));
    expect(new Set(statuses)).toEqual(new Set(['active', 'merged', 'dissolved']));
  });

  it('answers null for an organisation that is not there, as the locked read does', async () => {
    const id = '00000000-0000-4000-8000-00000000dead';
    expect(await sut.findById(id)).toBeNull();
    expect(await uow.run(() => sut.findById(id))).toBeNull();
  });
});
