import { DEVELOPMENT_KEK_ID, formatKek, isDevelopmentKey, KekRing, kekRingFromEnv, newDataKey, newKek, UnknownKekError } from './kek-ring';

describe(KekRing.name, () => {
  const old = newKek('kek-1');
  const next = newKek('kek-2');

  it('unwraps what it wrapped, under the active key, and only in the same context', () => {
    const sut = new KekRing(old);
    const dek = newDataKey();
    const w = sut.wrap(dek, 'subject-a');
    expect(w.kekId).toBe('kek-1');
    expect(w.wrapped.includes(dek)).toBe(false);
    expect(sut.unwrap(w.kekId, w.wrapped, 'subject-a').equals(dek)).toBe(true);
    expect(() => sut.unwrap(w.kekId, w.wrapped, 'subject-b')).toThrow();
  });

  it('reads keys wrapped under a previous KEK and names a KEK it does not have', () => {
    const dek = newDataKey();
    const w = new KekRing(old).wrap(dek, 'c');
    expect(new KekRing(next, [old]).unwrap(w.kekId, w.wrapped, 'c').equals(dek)).toBe(true);
    expect(() => new KekRing(next).unwrap(w.kekId, w.wrapped, 'c')).toThrow(UnknownKekError);
    expect(() => new KekRing(next).unwrap(w.kekId, w.wrapped, 'c')).toThrow(/"kek-1".*VANGUARD_KEK_PREVIOUS/);
  });

  it('refuses two different keys under one id', () => {
    expect(() => new KekRing(old, [{ id: 'kek-1', key: newDataKey() }])).toThrow(/share the id/);
  });
});

describe(kekRingFromEnv.name, () => {
  it('uses the labelled development key without VANGUARD_KEK, and says so', () => {
    expect(kekRingFromEnv({}).active.id).toBe(DEVELOPMENT_KEK_ID);
    expect(isDevelopmentKey({})).toBe(true);
    expect(isDevelopmentKey({ VANGUARD_KEK: ' ' })).toBe(true);
  });

  it('takes the active key and the previous ones from the environment', () => {
    const env = { VANGUARD_KEK: formatKek(newKek('kek-2')), VANGUARD_KEK_PREVIOUS: `${formatKek(newKek('kek-1'))}, ${DEVELOPMENT_KEK_ID}` };
    const sut = kekRingFromEnv(env);
    expect(sut.active.id).toBe('kek-2');
    expect(sut.has('kek-1') && sut.has(DEVELOPMENT_KEK_ID)).toBe(true);
    expect(isDevelopmentKey(env)).toBe(false);
  });

  it('refuses a malformed key with the expected form, and the reserved development id', () => {
    expect(() => kekRingFromEnv({ VANGUARD_KEK: 'kek-1:c2hvcnQ=' })).toThrow(/VANGUARD_KEK must be "<id>:<base64 of 32 random bytes>"/);
    expect(() => kekRingFromEnv({ VANGUARD_KEK: `${DEVELOPMENT_KEK_ID}:${newDataKey().toString('base64')}` })).toThrow(/reserved/);
  });
});
