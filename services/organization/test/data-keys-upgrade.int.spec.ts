import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { activateStagedKey, KekRing, newKek, pgSql, rewrapAndStage } from '@vanguard/keys';
import type { TestSchema } from '@vanguard/testing';
import { Registry } from 'prom-client';
import type { PersonalDataCipher } from '../src/application/ports/personal-data-cipher.port';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyMembers, countyOrganizations, type SeedMember } from '../src/infrastructure/seed/synthetic-region';
import { isolatedOrganizationSchema } from './support/isolated-schema';

/** The cipher as it was before key wrapping (commit fd8d4a6): `v1.` values, blind index under HMAC(key, "blind-index"). */
function preWrappingCipher(key: Buffer): PersonalDataCipher {
  const index = createHmac('sha256', key).update('blind-index').digest();
  return {
    encrypt: (clear) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(clear, 'utf8'), c.final()]);
      return `v1.${iv.toString('base64url')}.${c.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
    },
    decrypt: () => {
      throw new Error('the old deployment only writes here');
    },
    blindIndex: (clear) => createHmac('sha256', index).update(clear).digest('base64url'),
    ensureKeys: () => Promise.resolve(),
  };
}

function firstMembers(n: number): SeedMember[] {
  const out: SeedMember[] = [];
  for (const m of countyMembers(SONGLING, countyOrganizations(SONGLING))) {
    if (out.length >= n) break;
    out.push(m);
  }
  return out;
}

async function oldDeployment(prefix: string, key: Buffer, members: SeedMember[]): Promise<TestSchema> {
  const db = await isolatedOrganizationSchema(prefix);
  const seeder = new BulkSeeder(db.pool, preWrappingCipher(key));
  await seeder.organizations(countyOrganizations(SONGLING));
  await seeder.members(members, members.length);
  return db;
}

const rows = (db: TestSchema) =>
  db.pool
    .query<{ id: string; id_number_enc: string; phone_enc: string | null; id_number_hash: string }>(
      `select id, id_number_enc, phone_enc, id_number_hash from members where id_number_enc is not null order by id limit 20`,
    )
    .then((r) => r.rows);

describe('data keys on a database from before key wrapping', () => {
  const members = firstMembers(40);
  const byId = new Map(members.map((m) => [m.id, m]));
  const productionRing = () => new KekRing(newKek('kek-prod'));
  const schemas: TestSchema[] = [];
  afterAll(() => Promise.all(schemas.map((s) => s.drop())));

  it('that relied on the built-in default key keeps reading its values and matching its ID numbers under a KEK', async () => {
    const defaultKey = createHash('sha256').update('vanguard-dev-organization-pii-key').digest();
    const db = await oldDeployment('org_upg_default', defaultKey, members);
    schemas.push(db);

    const sut = await AesGcmPersonalDataCipher.load(pgSql(db.pool), { ring: productionRing(), env: {} });

    const stored = await rows(db);
    expect(stored.length).toBeGreaterThan(0);
    for (const r of stored) {
      const m = byId.get(r.id)!;
      expect(sut.decrypt(r.id_number_enc)).toBe(m.idNumber);
      expect(sut.blindIndex(m.idNumber)).toBe(r.id_number_hash);
    }
  });

  it('under a key it is not given refuses to start, naming ORGANIZATION_PII_KEY, and writes no keys; given that key it reads them', async () => {
    const oldKey = randomBytes(32);
    const db = await oldDeployment('org_upg_custom', oldKey, members);
    schemas.push(db);

    await expect(AesGcmPersonalDataCipher.load(pgSql(db.pool), { ring: productionRing(), env: {} })).rejects.toThrow(
      /set ORGANIZATION_PII_KEY/,
    );
    await expect(
      AesGcmPersonalDataCipher.load(pgSql(db.pool), {
        ring: productionRing(),
        env: { ORGANIZATION_PII_KEY: randomBytes(32).toString('base64') },
      }),
    ).rejects.toThrow(/set ORGANIZATION_PII_KEY/);
    expect((await db.pool.query('select count(*)::int as n from data_keys')).rows[0].n).toBe(0);

    const sut = await AesGcmPersonalDataCipher.load(pgSql(db.pool), {
      ring: productionRing(),
      env: { ORGANIZATION_PII_KEY: oldKey.toString('base64') },
    });
    for (const r of await rows(db)) {
      const m = byId.get(r.id)!;
      expect(sut.decrypt(r.id_number_enc)).toBe(m.idNumber);
      expect(sut.blindIndex(m.idNumber)).toBe(r.id_number_hash);
    }
  });
});

describe('data keys an instance has not loaded yet', () => {
  let db: TestSchema;
  const kekA = newKek('kek-a');
  const kekB = newKek('kek-b');
  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_keys_demand');
  });
  afterAll(() => db.drop());

  it('a value under a key activated after this instance last read its keys is read after one reload on demand', async () => {
    const ringA = new KekRing(kekA, [kekB]);
    const lagging = await AesGcmPersonalDataCipher.load(pgSql(db.pool), { ring: ringA, env: {} });
    const ringB = new KekRing(kekB, [kekA]);
    await rewrapAndStage(pgSql(db.pool), ringB);
    const activated = await activateStagedKey(pgSql(db.pool), ringB);
    const first = await AesGcmPersonalDataCipher.load(pgSql(db.pool), { ring: ringB, env: {} });
    expect(first.activeKeyId).toBe(activated);

    const sealed = first.encrypt('110101199001011234');
    expect(() => lagging.decrypt(sealed)).toThrow(/has not loaded/);
    await lagging.ensureKeys([null, sealed]);
    expect(lagging.decrypt(sealed)).toBe('110101199001011234');
  });

  it('a failed refresh is logged and counted and keeps the keys it had', async () => {
    const metrics = new Registry();
    const sut = await AesGcmPersonalDataCipher.load(pgSql(db.pool), { ring: new KekRing(kekB, [kekA]), env: {}, metrics });
    const sealed = sut.encrypt('13800000000');
    await db.pool.query('alter table data_keys rename to data_keys_away');
    try {
      await expect(sut.refresh()).rejects.toThrow(/data_keys/);
      await sut.ensureKeys([sealed.replace(/^v2\.[^.]+\./, 'v2.d-unknown.')]);
    } finally {
      await db.pool.query('alter table data_keys_away rename to data_keys');
    }
    const counted = (await metrics.getSingleMetric('organization_data_key_refresh_failures_total')!.get()).values[0]!.value;
    expect(counted).toBe(2);
    expect(sut.decrypt(sealed)).toBe('13800000000');
  });
});
