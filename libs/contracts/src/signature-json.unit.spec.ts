import type { EventEnvelope } from './envelope';
import { seededRandom } from './seeded-random.spec-helper';
import { signatureJson as canonicalJson, eventSigningText } from './signature-json';

/** The first implementation (ADR 0059), byte for byte the text every signature so far was made over. */
function firstCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : firstCanonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const firstSigningText = (e: EventEnvelope) =>
  firstCanonicalJson({
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    occurredAt: e.occurredAt,
    orgId: e.orgId,
    data: e.data,
  });

type Random = () => number;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// Keys that sort differently by code unit than by locale or by number, and ones V8 orders itself (array indexes).
const KEYS = ['a', 'B', 'b', 'aa', 'a_b', '10', '9', '0', '-1', '1.5', '', ' ', 'é', 'Z', '王', '红', '😀', '\ud800', 'x"y', 'k\n'];
const STRINGS = [
  '',
  'plain',
  '王红梅',
  '松组发〔2026〕5号',
  'quote " and \\ backslash',
  'line\nbreak\ttab',
  '\u0000\u001f',
  '\ud83d\ude00',
  '\ud800 lone',
  '\u2028\u2029',
];
const NUMBERS = [0, -0, 1, -1, 7, 1.5, 1e21, 1e-7, 2 ** 53 + 1, Number.MAX_VALUE, NaN, Infinity, -Infinity];

function randomValue(r: Random, depth: number): unknown {
  const roll = r();
  if (depth <= 0 || roll < 0.45) {
    return pick(r, [
      () => pick(r, STRINGS),
      () => pick(r, NUMBERS),
      () => r() < 0.5,
      () => null,
      () => undefined,
      () => new Date(Math.floor(r() * 2e12)),
      () => () => 'a function',
    ])();
  }
  if (roll < 0.7) {
    const length = Math.floor(r() * 5);
    // Now and then a hole, as a sparse literal or `delete` leaves one.
    const hole = r() < 0.15 ? Math.floor(r() * length) : -1;
    const items: unknown[] = new Array(length);
    for (let i = 0; i < length; i++) if (i !== hole) items[i] = randomValue(r, depth - 1);
    return items;
  }
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 7);
  for (let i = 0; i < n; i++) o[pick(r, KEYS)] = randomValue(r, depth - 1);
  // JSON.parse makes __proto__ an own key; a literal would set the prototype instead.
  if (r() < 0.1) Object.defineProperty(o, '__proto__', { value: pick(r, STRINGS), enumerable: true, writable: true });
  return o;
}

function randomEnvelope(r: Random): EventEnvelope {
  const maybe = <T>(v: T): T => (r() < 0.1 ? (undefined as T) : v);
  return {
    eventId: maybe(`e-${Math.floor(r() * 1e9)}`),
    type: maybe(pick(r, ['commendation.CommendationDecided', 'organization.OrgCreated', 'x'])),
    version: maybe(Math.floor(r() * 3) + 1),
    streamId: maybe(pick(r, STRINGS)),
    streamVersion: maybe(Math.floor(r() * 1e6)),
    occurredAt: maybe('2026-06-28T00:00:00.000Z'),
    recordedAt: '2026-06-28T00:00:00.000Z',
    actor: { sub: 's', roles: [] },
    orgId: maybe(pick(r, [null, 'f0f0f0f0-0000-4000-8000-000000000001'])),
    correlationId: 'c',
    causationId: null,
    data: maybe(randomValue(r, 4)),
  } as EventEnvelope;
}

describe('canonicalJson', () => {
  it('canonicalJson_OnRandomValues_IsByteForByteTheFirstImplementation', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = seededRandom(seed);
      for (let i = 0; i < 50; i++) {
        const value = randomValue(r, 5);
        if (value === undefined || typeof value !== 'object') continue; // only objects are signed
        expect({ seed, i, text: canonicalJson(value) }).toEqual({ seed, i, text: firstCanonicalJson(value) });
      }
    }
  });

  it('eventSigningText_OnRandomEnvelopes_IsByteForByteTheFirstImplementation', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = seededRandom(seed);
      for (let i = 0; i < 20; i++) {
        const e = randomEnvelope(r);
        expect({ seed, i, text: eventSigningText(e) }).toEqual({ seed, i, text: firstSigningText(e) });
      }
    }
  });

  it('canonicalJson_OnTheOddCases_WritesWhatTheFirstImplementationWrote', () => {
    const fn = () => 1;
    // eslint-disable-next-line no-sparse-arrays
    const odd = { d: new Date(0), f: fn, a: [undefined, fn, , null], u: undefined, '10': 1, '9': 2, b: 'é', B: '\ud800' };
    expect(canonicalJson(odd)).toBe('{"10":1,"9":2,"B":"\\ud800","a":[null,,,null],"b":"é","d":{},"f":undefined}');
    expect(canonicalJson(odd)).toBe(firstCanonicalJson(odd));
  });
});
