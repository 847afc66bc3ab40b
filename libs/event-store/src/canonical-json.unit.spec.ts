import { canonicalJson } from './canonical-json';

describe(canonicalJson.name, () => {
  it('sorts keys by UTF-16 code units at every depth and drops whitespace (RFC 8785 §3.2.3 sample)', () => {
    const sut = canonicalJson;
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(sut(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(sut({ b: [3, { z: 1, a: null }], a: { d: true, c: false } })).toBe('{"a":{"c":false,"d":true},"b":[3,{"a":null,"z":1}]}');
  });

  it('prints numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    // eslint-disable-next-line no-loss-of-precision -- the RFC's own test vector rounds on purpose
    expect(canonicalJson([1e21, 1e-7, 0.000001, -0, 333333333.33333329, 1e23, 4.5, 2 ** 53])).toBe(
      '[1e+21,1e-7,0.000001,0,333333333.3333333,1e+23,4.5,9007199254740992]',
    );
  });

  it('escapes strings minimally and keeps non-ASCII text as is', () => {
    expect(canonicalJson({ s: '张三\n"\u0001\u007f' })).toBe('{"s":"张三\\n\\"\\u0001\u007f"}');
  });

  it('drops undefined members, turns undefined array items into null and uses toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date('2024-01-02T03:04:05.678Z') })).toBe(
      '{"b":[null],"c":"2024-01-02T03:04:05.678Z"}',
    );
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], ['\ud800 lone surrogate'], [10n], [undefined]])(
    'refuses %p, which has no canonical form',
    (value) => {
      expect(() => canonicalJson(value)).toThrow(TypeError);
    },
  );
});
