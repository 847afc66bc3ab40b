import { createCipheriv, randomBytes } from 'node:crypto';
import { KekRing, newKek } from '@vanguard/keys';
import { personal, rotatePersonalKeys } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

const kekA = newKek('kek-a');
const kekB = newKek('kek-b');

/** A value as the store sealed it before keys had ids (no `kid`), under a raw key. */
function legacySealed(subject: string, key: Buffer, value: string): unknown {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(subject, 'utf8'));
  const ct = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return { $personal: { subject, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: c.getAuthTag().toString('base64') } };
}

describe(rotatePersonalKeys.name, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_rotation');
  });
  afterAll(() => f.close());

  it('wraps raw keys from before wrapping and re-wraps the rest, while appends and reads go on, once however many rotators run', async () => {
    const storeA = f.store({ keys: new KekRing(kekA, [kekB]) });
    const legacyKey = randomBytes(32);
    await f.db.pool.query(`insert into personal_keys (subject_id, key) values ('member-old', $1)`, [legacyKey]);
    await storeA.append(
      'member-old',
      [{ type: 'organization.MemberJoined', data: { name: legacySealed('member-old', legacyKey, '旧名') } }],
      {
        expectedVersion: 'no_stream',
        context,
      },
    );
    for (let i = 0; i < 40; i++) {
      await storeA.append(`member-${i}`, [{ type: 'organization.MemberJoined', data: { name: personal(`member-${i}`, `name-${i}`) } }], {
        expectedVersion: 'no_stream',
        context,
      });
    }
    await storeA.forget('member-7');

    // The deployed processes already have B active and A as previous; the rotation runs beside them.
    const storeB = f.store({ keys: new KekRing(kekB, [kekA]) });
    let busy = true;
    const traffic = (async () => {
      let n = 0;
      while (busy) {
        const i = n++ % 40;
        const [e] = await storeB.readStream(`member-${i}`);
        expect((e!.data as { name: unknown }).name).toEqual(i === 7 ? { $forgotten: 'member-7' } : `name-${i}`);
        await storeB.append(
          `member-${i}`,
          [{ type: 'organization.MemberRenamed', data: { name: personal(`member-${i === 7 ? 0 : i}`, 'x') } }],
          {
            expectedVersion: 'any',
            context,
          },
        );
      }
      return n;
    })();
    const ring = new KekRing(kekB, [kekA]);
    const [one, two] = await Promise.all([
      rotatePersonalKeys(f.db.pool, f.db.schema, ring, { batchSize: 3 }),
      rotatePersonalKeys(f.db.pool, f.db.schema, ring, { batchSize: 3 }),
    ]);
    busy = false;
    expect(await traffic).toBeGreaterThan(0);
    expect(one.rewrapped + two.rewrapped).toBe(39);
    expect(one.wrapped + two.wrapped).toBe(1);
    await expect(rotatePersonalKeys(f.db.pool, f.db.schema, ring)).resolves.toEqual({ rewrapped: 0, wrapped: 0 });

    const { rows } = await f.db.pool.query<{ n: string }>(
      `select count(*) as n from personal_keys where key is not null or (forgotten_at is null and kek_id <> 'kek-b')`,
    );
    expect(rows[0]!.n).toBe('0');
    const onlyB = f.store({ keys: new KekRing(kekB) });
    expect((await onlyB.readStream('member-old'))[0]!.data).toEqual({ name: '旧名' });
    expect((await onlyB.readStream('member-7'))[0]!.data).toEqual({ name: { $forgotten: 'member-7' } });
    expect((await onlyB.readStream('member-3'))[0]!.data).toEqual({ name: 'name-3' });
    await expect(onlyB.verify()).resolves.toMatchObject({ ok: true });
  });

  it('resumes after an interrupted run: what it committed stays, the rest follows on the next run', async () => {
    const kekX = newKek('kek-x');
    const storeX = f.store({ keys: new KekRing(kekX) });
    const storeA = f.store({ keys: new KekRing(kekA) });
    for (let i = 0; i < 10; i++) {
      // One subject in the middle was wrapped by a process with a KEK this rotator has not been given.
      const store = i === 5 ? storeX : storeA;
      await store.append(`resume-${i}`, [{ type: 'organization.MemberJoined', data: { name: personal(`resume-${i}`, `r-${i}`) } }], {
        expectedVersion: 'no_stream',
        context,
      });
    }
    const left = async () =>
      Number(
        (
          await f.db.pool.query<{ n: string }>(
            `select count(*) as n from personal_keys where subject_id like 'resume-%' and kek_id <> 'kek-c'`,
          )
        ).rows[0]!.n,
      );
    const kekC = newKek('kek-c');
    await expect(rotatePersonalKeys(f.db.pool, f.db.schema, new KekRing(kekC, [kekA, kekB]), { batchSize: 2 })).rejects.toThrow(/"kek-x"/);
    const afterFirst = await left();
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(10);

    const second = await rotatePersonalKeys(f.db.pool, f.db.schema, new KekRing(kekC, [kekA, kekB, kekX]), { batchSize: 2 });
    expect(second.rewrapped).toBe(afterFirst);
    expect(await left()).toBe(0);
    const onlyC = f.store({ keys: new KekRing(kekC) });
    for (let i = 0; i < 10; i++) expect((await onlyC.readStream(`resume-${i}`))[0]!.data).toEqual({ name: `r-${i}` });
  });
});
