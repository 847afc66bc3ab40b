import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DataKeys } from '@vanguard/keys';
import { AesGcmPersonalDataCipher } from './aes-gcm-personal-data-cipher';

function keys(active: string, ids: string[], index = randomBytes(32)): DataKeys {
  const byId = new Map(ids.map((id) => [id, { id, key: randomBytes(32) }]));
  return { active: byId.get(active)!, byId, index: { id: 'i0', key: index } };
}

describe(AesGcmPersonalDataCipher.name, () => {
  it('names the data key in every ciphertext and reads values under any loaded key', () => {
    const ring = keys('d0', ['d0', 'd-kek-2']);
    const sut = new AesGcmPersonalDataCipher(ring);
    const before = sut.encrypt('110101199001011234');
    expect(before).toMatch(/^v2\.d0\./);
    expect(before).not.toContain('110101199001011234');
    sut.use({ ...ring, active: ring.byId.get('d-kek-2')! });
    const after = sut.encrypt('张三');
    expect(after).toMatch(/^v2\.d-kek-2\./);
    expect(sut.decrypt(before)).toBe('110101199001011234');
    expect(sut.decrypt(after)).toBe('张三');
  });

  it('refuses a value whose key id was changed, and one under a key it has not loaded', () => {
    const sut = new AesGcmPersonalDataCipher(keys('d0', ['d0', 'd1']));
    const sealed = sut.encrypt('x');
    expect(() => sut.decrypt(sealed.replace('v2.d0.', 'v2.d1.'))).toThrow();
    expect(() => sut.decrypt(sealed.replace('v2.d0.', 'v2.d9.'))).toThrow(/data key d9/);
  });

  it('keeps the blind index when the data key changes', () => {
    const ring = keys('d0', ['d0', 'd1']);
    const sut = new AesGcmPersonalDataCipher(ring);
    const before = sut.blindIndex('110101199001011234');
    sut.use({ ...ring, active: ring.byId.get('d1')! });
    expect(sut.blindIndex('110101199001011234')).toBe(before);
  });

  it('reads v1 values (before key ids) under the first data key, whose index key is the old derivation', () => {
    const legacy = randomBytes(32);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', legacy, iv);
    const body = Buffer.concat([c.update('李四', 'utf8'), c.final()]);
    const v1 = `v1.${iv.toString('base64url')}.${c.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
    const index = createHmac('sha256', legacy).update('blind-index').digest();
    const sut = new AesGcmPersonalDataCipher({
      active: { id: 'd0', key: legacy },
      byId: new Map([['d0', { id: 'd0', key: legacy }]]),
      index: { id: 'i0', key: index },
    });
    expect(sut.decrypt(v1)).toBe('李四');
    expect(sut.blindIndex('x')).toBe(createHmac('sha256', index).update('x').digest('base64url'));
  });
});
