import { decryptPersonal, encryptPersonal, encryptedSubjects, isForgotten, newDataKey, personal, personalSubjects } from './personal-data';

describe(encryptPersonal.name, () => {
  const key = newDataKey();
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
    const other = newDataKey();
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
