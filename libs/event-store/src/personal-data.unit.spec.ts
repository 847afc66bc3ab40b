import { randomBytes } from 'node:crypto';
import {
  decryptPersonal,
  encryptPersonal,
  encryptedSubjects,
  isForgotten,
  personal,
  personalSubjects,
  type SubjectKey,
} from './personal-data';

const newKey = (keyId = 'k1'): SubjectKey => ({ keyId, key: randomBytes(32) });

describe(encryptPersonal.name, () => {
  const key = newKey();
  const data = {
    memberId: 'm-1',
    name: personal('member-m-1', '张三'),
    contacts: [{ phone: personal('member-m-1', '138-0000') }],
    branch: 'b-1',
  };

  it('replaces only the wrapped values with ciphertext that does not contain them', () => {
    const sut = encryptPersonal(data, new Map([['member-m-1', key]])) as Record<string, unknown>;
    const text = JSON.stringify(sut);
    expect(text).not.toContain('张三');
    expect(text).not.toContain('138-0000');
    expect(sut['memberId']).toBe('m-1');
    expect(sut['branch']).toBe('b-1');
    expect([...encryptedSubjects(sut)]).toEqual(['member-m-1']);
    expect([...personalSubjects(data)]).toEqual(['member-m-1']);
  });

  it('reads back with the key, and as forgotten without it', () => {
    const stored = JSON.parse(JSON.stringify(encryptPersonal(data, new Map([['member-m-1', key]])))) as unknown;
    expect(decryptPersonal(stored, new Map([['member-m-1', key]]))).toEqual({
      memberId: 'm-1',
      name: '张三',
      contacts: [{ phone: '138-0000' }],
      branch: 'b-1',
    });
    const forgotten = decryptPersonal(stored, new Map([['member-m-1', null]])) as { name: unknown };
    expect(isForgotten(forgotten.name)).toBe(true);
    expect(forgotten.name).toEqual({ $forgotten: 'member-m-1' });
  });

  it('refuses ciphertext moved to another subject or altered (GCM tag and subject as AAD)', () => {
    const other = newKey();
    const stored = JSON.parse(JSON.stringify(encryptPersonal({ n: personal('a', 'x') }, new Map([['a', key]])))) as {
      n: { $personal: { subject: string; ct: string } };
    };
    const moved = { n: { $personal: { ...stored.n.$personal, subject: 'b' } } };
    expect(() => decryptPersonal(moved, new Map([['b', other]]))).toThrow();
    const altered = { n: { $personal: { ...stored.n.$personal, ct: Buffer.from('y').toString('base64') } } };
    expect(() => decryptPersonal(altered, new Map([['a', key]]))).toThrow();
  });

  it('fails loudly when a subject has no key rather than storing plaintext', () => {
    expect(() => encryptPersonal({ n: personal('a', 'x') }, new Map())).toThrow(/no key/);
  });
});

describe(decryptPersonal.name, () => {
  it('carries the key id in every ciphertext and refuses a key with another id', () => {
    const key = newKey('k7');
    const stored = JSON.parse(JSON.stringify(encryptPersonal({ n: personal('a', 'x') }, new Map([['a', key]])))) as {
      n: { $personal: { kid: string } };
    };
    expect(stored.n.$personal.kid).toBe('k7');
    expect(() => decryptPersonal(stored, new Map([['a', { ...key, keyId: 'k8' }]]))).toThrow(/under key k7, not k8/);
  });
});
