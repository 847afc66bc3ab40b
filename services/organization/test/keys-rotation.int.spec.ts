import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { migrate as migrateStore, personal, PostgresEventStore, type Fold } from '@vanguard/event-store';
import { formatKek, KekRing, newKek, pgSql, UnknownKekError } from '@vanguard/keys';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test rotates exactly as `npm run keys:rotate` does
import { keysLeft, rotateKeys } from '../../../scripts/keys-rotate';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyMembers, countyOrganizations, type SeedMember } from '../src/infrastructure/seed/synthetic-region';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const run = promisify(execFile);
const kekA = newKek('kek-a');
const kekB = newKek('kek-b');
const context = {
  actor: { sub: 'user-1', roles: ['organizer'], orgId: 'org-1', kind: 'user' as const },
  orgId: 'org-1',
  correlationId: 'c-1',
};
const names: Fold<string[]> = { initialState: () => [], evolve: (s, e) => [...s, JSON.stringify((e.data as { name: unknown }).name)] };
const policy = { snapshot: { foldVersion: 'names-v1', every: 1 } };

function* first<T>(n: number, all: Iterable<T>): Generator<T> {
  let i = 0;
  for (const x of all) {
    if (i++ >= n) return;
    yield x;
  }
}

describe('keys:rotate', () => {
  let org: TestSchema;
  let es: TestSchema;
  let members: SeedMember[];

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('org_keys');
    es = await createTestSchema('es_keys');
    await migrateStore(es.pool, { schema: es.schema });
    const orgs = countyOrganizations(SONGLING);
    members = [...first(300, countyMembers(SONGLING, orgs))];
  });
  afterAll(async () => {
    await org.drop();
    await es.drop();
  });

  it('re-wraps every key under the new KEK while both services keep reading; values, blind indexes and forgetting survive it', async () => {
    // Before: written under KEK A (the instances also know B: the first step of the procedure).
    const ringA = new KekRing(kekA, [kekB]);
    const running = await AesGcmPersonalDataCipher.load(pgSql(org.pool), { ring: ringA, env: {} });
    const seeder = new BulkSeeder(org.pool, running);
    await seeder.organizations(countyOrganizations(SONGLING));
    await seeder.members(members, members.length);
    const storeA = new PostgresEventStore(es.pool, { schema: es.schema, keys: ringA });
    for (const id of ['s1', 's2', 's3']) {
      await storeA.append(`member-${id}`, [{ type: 'organization.MemberJoined', data: { name: personal(`member-${id}`, `name-${id}`) } }], {
        expectedVersion: 'no_stream',
        context,
      });
      await storeA.aggregateStream(`member-${id}`, names, policy);
    }
    await storeA.forget('member-s2');
    const before = await org.pool.query<{ id: string; id_number_enc: string; id_number_hash: string }>(
      `select id, id_number_enc, id_number_hash from members order by id`,
    );
    expect(before.rows).toHaveLength(members.length);
    const { rows: raw } = await org.pool.query<{ kek_id: string; wrapped: Buffer }>(`select kek_id, wrapped from data_keys`);
    expect(raw.map((r) => r.kek_id)).toEqual(['kek-a', 'kek-a']);

    // During: the running instance reads every value, and refreshes its keys as it does in the service.
    const ringB = new KekRing(kekB, [kekA]);
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        for (const r of before.rows.slice(0, 50)) running.decrypt(r.id_number_enc);
        await running.refresh();
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const report = await rotateKeys(org.pool, ringB, { schemas: [org.schema, es.schema], settleMs: 200 });
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(report).toMatchObject({
      kekId: 'kek-b',
      dataKeys: [{ schema: org.schema, rewrapped: 2, staged: 'd-kek-b', activated: 'd-kek-b' }],
      subjectKeys: [{ schema: es.schema, rewrapped: 2, wrapped: 0 }],
      left: 0,
    });
    await waitUntil('the running instance to encrypt under the new data key', async () => {
      await running.refresh();
      return running.activeKeyId === 'd-kek-b';
    });

    // After: a process that knows only KEK B reads everything written before, the same.
    const onlyB = new KekRing(kekB);
    const fresh = await AesGcmPersonalDataCipher.load(pgSql(org.pool), { ring: onlyB, env: {} });
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      const row = before.rows.find((r) => r.id === m.id)!;
      expect(fresh.decrypt(row.id_number_enc)).toBe(m.idNumber);
      // The blind index of the same ID number finds the member, as the import's duplicate check does.
      const found = await org.pool.query(`select id from members where id_number_hash = $1`, [fresh.blindIndex(m.idNumber)]);
      expect(found.rows).toEqual([{ id: m.id }]);
    }
    expect(fresh.encrypt('new')).toMatch(/^v2\.d-kek-b\./);
    expect(before.rows[0]!.id_number_enc).toMatch(/^v2\.d0\./);
    await expect(AesGcmPersonalDataCipher.load(pgSql(org.pool), { ring: new KekRing(kekA), env: {} })).rejects.toThrow(UnknownKekError);

    const storeB = new PostgresEventStore(es.pool, { schema: es.schema, keys: onlyB });
    await expect(storeB.aggregateStream('member-s1', names, policy)).resolves.toMatchObject({ state: ['"name-s1"'] });
    await expect(storeB.aggregateStream('member-s2', names, policy)).resolves.toMatchObject({ state: ['{"$forgotten":"member-s2"}'] });
    await storeB.append('member-s4', [{ type: 'organization.MemberJoined', data: { name: personal('member-s4', 'name-s4') } }], {
      expectedVersion: 'no_stream',
      context,
    });
    const { rows: subjects } = await es.pool.query<{ subject_id: string; kek_id: string | null; wrapped: Buffer | null }>(
      `select subject_id, kek_id, wrapped from personal_keys order by subject_id`,
    );
    expect(subjects.map((r) => [r.subject_id, r.kek_id, r.wrapped === null])).toEqual([
      ['member-s1', 'kek-b', false],
      ['member-s2', null, true],
      ['member-s3', 'kek-b', false],
      ['member-s4', 'kek-b', false],
    ]);

    // Again, through npm's script: nothing left to do, nothing changed.
    const again = await run(
      'npm',
      ['run', '--silent', 'keys:rotate', '--', '--database', 'test', '--schema', org.schema, '--schema', es.schema],
      {
        env: { ...process.env, VANGUARD_KEK: formatKek(kekB), VANGUARD_KEK_PREVIOUS: formatKek(kekA) },
      },
    );
    const last = JSON.parse(again.stdout.trim().split('\n').pop()!) as { leftAnywhere: { schema: string }[] };
    expect(last).toEqual({
      kekId: 'kek-b',
      dataKeys: [{ schema: org.schema, rewrapped: 0, staged: null, activated: null }],
      subjectKeys: [{ schema: es.schema, rewrapped: 0, wrapped: 0 }],
      left: 0,
      // Other suites' schemas in the shared test database may still hold keys under other KEKs; these two do not.
      leftAnywhere: expect.any(Array),
    });
    expect(last.leftAnywhere.map((l) => l.schema)).not.toEqual(expect.arrayContaining([org.schema]));
    expect(last.leftAnywhere.map((l) => l.schema)).not.toEqual(expect.arrayContaining([es.schema]));
    expect(fresh.decrypt(before.rows[0]!.id_number_enc)).toBe(members.find((m) => m.id === before.rows[0]!.id)!.idNumber);
  });

  describe('limited to some schemas', () => {
    const script = (args: string[]) =>
      run(process.execPath, ['-r', '@swc-node/register', 'scripts/keys-rotate.ts', ...args], {
        cwd: `${__dirname}/../../..`,
        env: { ...process.env, VANGUARD_KEK: formatKek(kekB), VANGUARD_KEK_PREVIOUS: formatKek(kekA) },
      }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    let rotated: TestSchema;
    let leftOut: TestSchema;

    beforeAll(async () => {
      rotated = await createTestSchema('es_keys_rotated');
      leftOut = await createTestSchema('es_keys_left_out');
      for (const db of [rotated, leftOut]) {
        await migrateStore(db.pool, { schema: db.schema });
        const store = new PostgresEventStore(db.pool, { schema: db.schema, keys: new KekRing(kekA, [kekB]) });
        await store.append('member-l1', [{ type: 'organization.MemberJoined', data: { name: personal('member-l1', 'name-l1') } }], {
          expectedVersion: 'no_stream',
          context,
        });
      }
    });
    afterAll(async () => {
      await rotated?.drop();
      await leftOut?.drop();
    });

    // The end report lists every schema with key tables, then counts each: another deploy or a
    // test may drop one in between (a CI run failed so, with exit 1 and nothing rotated wrong).
    it('WhenASchemaIsDroppedBetweenItsListingAndItsCount_CountsItAsHoldingNoKeys', async () => {
      const gone = await createTestSchema('es_keys_gone');
      await migrateStore(gone.pool, { schema: gone.schema });
      await gone.drop();

      expect(await keysLeft(rotated.pool, 'another-kek', false, true, gone.schema)).toBe(0);
      expect(await keysLeft(rotated.pool, 'another-kek', false, true, leftOut.schema)).toBe(1);
    });

    it('does not clear the old KEK while a schema it left out still holds keys under it, and names that schema', async () => {
      const r = await script(['--database', 'test', '--schema', rotated.schema, '--settle-ms', '0']);

      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('may leave VANGUARD_KEK_PREVIOUS');
      expect(r.stdout).toMatch(new RegExp(`${leftOut.schema} \\(1\\)[^\\n]* still hold keys under another KEK: keep the previous KEKs`));
    });

    it.each<[string, string[], RegExp]>([
      ['a schema with no key tables', ['--database', 'test', '--schema', 'no_such_schema'], /--schema no_such_schema: no key tables there/],
      [
        'a settle time that is not a number',
        ['--database', 'test', '--schema', 'x', '--settle-ms', 'abc'],
        /--settle-ms must be a whole number/,
      ],
      ['a database that is neither platform nor test', ['--database=tset', '--schema', 'x'], /--database must be platform or test/],
    ])('refuses %s with status 2, before touching a key', async (_, args, message) => {
      const r = await script(args);

      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  });
});
