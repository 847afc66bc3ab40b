// A window unit's phone is saved after its publication's append, outside it: two publications that
// both succeed may save in either order, and the page must still show the later one's phone.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { seededRandom } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { SqlWindowUnitContacts } from '../src/infrastructure/field-work/sql-window-unit-contacts';

describe(SqlWindowUnitContacts.name, () => {
  let pool: Pool;

  beforeAll(() => {
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 8 });
  });
  afterAll(() => pool?.end());

  it('WhenPublicationsSaveTheirPhonesInAnyOrderAndAtOnce_ThePhoneOfTheHighestVersionStays', async () => {
    const sut = new SqlWindowUnitContacts(pool);
    const random = seededRandom(1202);
    for (let round = 0; round < 40; round++) {
      const unit = randomUUID();
      const n = 2 + Math.floor(random() * 6);
      const saves = Array.from({ length: n }, (_, i) => ({ version: i + 1, phone: `0471-${String(1000 + i)}` }));
      // A random order, split into random waves sent at once.
      const shuffled = [...saves].sort(() => random() - 0.5);
      while (shuffled.length) {
        const wave = shuffled.splice(0, 1 + Math.floor(random() * shuffled.length));
        await Promise.all(wave.map((s) => sut.save(unit, s.phone, s.version)));
      }
      expect([round, await sut.phoneOf(unit)]).toEqual([round, saves[n - 1]!.phone]);
    }
  });
});
