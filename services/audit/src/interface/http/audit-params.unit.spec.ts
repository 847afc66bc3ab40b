import type { HttpException } from '@nestjs/common';
import { seededRandom } from '@vanguard/testing';
import { parseInstant, parseInstantOrVersion, parsePositiveInt } from './audit-params';

/** The field a 400 names, or null when the instant was taken. */
function refusedField(field: string, raw: string): string | null {
  try {
    parseInstant(field, raw);
    return null;
  } catch (e) {
    const body = (e as HttpException).getResponse() as { code: string; errors: { field: string }[] };
    expect((e as HttpException).getStatus()).toBe(400);
    expect(body.code).toBe('AUDIT.INVALID');
    return body.errors[0]!.field;
  }
}

const random = seededRandom;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe(parseInstant.name, () => {
  it.each(['at', 'fromAt', 'toAt', 'from', 'to'])('parseInstant_WhenTheDayDoesNotExist_Refuses400NamingTheField (%s)', (field) => {
    expect(refusedField(field, '2026-02-30T12:00Z')).toBe(field);
  });

  it.each([
    ['2026-02-30T12:00Z', 'February 30th (Date rolls it into March)'],
    ['2026-02-29T00:00:00Z', 'February 29th of a common year'],
    ['1900-02-29T00:00Z', 'February 29th of a century not divisible by 400'],
    ['2026-04-31T00:00Z', 'April 31st'],
    ['2026-00-10T00:00Z', 'month 0'],
    ['2026-13-10T00:00Z', 'month 13'],
    ['2026-01-00T00:00Z', 'day 0'],
    ['2026-06-30T24:00Z', '24:00 (Date rolls it into the next day)'],
    ['2026-06-30T23:60Z', 'minute 60'],
    ['2026-06-30T23:59:60Z', 'second 60'],
    ['2026-06-30T12:00+24:00', 'an offset of 24 hours'],
    ['2026-06-30T12:00+08:60', 'an offset minute of 60'],
    ['0000-01-01T00:30+01:00', 'year 0 (a year 0 in UTC too)'],
    ['0001-01-01T00:30+01:00', 'year 1 locally, year 0 in UTC'],
    ['9999-12-31T23:30-01:00', 'year 9999 locally, 10000 in UTC'],
    ['2026-06-30 12:00Z', 'no T'],
    ['2026-06-30T12:00', 'no offset'],
  ])('parseInstant_When %s (%s)_Refuses400', (raw) => {
    expect(refusedField('at', raw)).toBe('at');
  });

  it.each([
    ['2024-02-29T00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T23:59:59.999999Z', '2000-02-29T23:59:59.999Z'],
    ['2011-07-01T00:00:00+08:00', '2011-06-30T16:00:00.000Z'],
    ['0001-01-01T00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0001-01-01T00:30-01:00', '0001-01-01T01:30:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['0000-12-31T23:30-01:00', '0001-01-01T00:30:00.000Z'],
  ])('parseInstant_When %s_GivesTheInstantInUtc', (raw, utc) => {
    expect(parseInstant('at', raw)).toBe(utc);
  });

  it('parseInstant_OnRandomFields_TakesExactlyThoseACalendarHasWithAUtcYearFrom1To9999', () => {
    const seed = Date.now() >>> 0;
    const next = random(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    for (let i = 0; i < 5_000; i++) {
      const [y, mo, d, h, mi, s] = [int(0, 9999), int(0, 13), int(0, 32), int(0, 25), int(0, 61), int(0, 61)];
      const [sign, oh, om] = [next() < 0.5 ? 1 : -1, int(0, 25), int(0, 61)];
      const raw = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign > 0 ? '+' : '-'}${pad(oh)}:${pad(om)}`;
      // The oracle: the fields as a calendar reads them back, without the parser's own rules.
      const local = new Date(0);
      local.setUTCFullYear(y, mo - 1, d);
      local.setUTCHours(h, mi, s, 0);
      const readBack =
        local.getUTCFullYear() === y &&
        local.getUTCMonth() === mo - 1 &&
        local.getUTCDate() === d &&
        local.getUTCHours() === h &&
        local.getUTCMinutes() === mi &&
        local.getUTCSeconds() === s &&
        oh <= 23 &&
        om <= 59;
      const utc = new Date(local.getTime() - sign * (oh * 60 + om) * 60_000);
      const taken = readBack && utc.getUTCFullYear() >= 1 && utc.getUTCFullYear() <= 9999;
      const context = `seed ${seed}, draw ${i}: ${raw}`;
      if (taken) expect({ context, utc: parseInstant('at', raw) }).toEqual({ context, utc: utc.toISOString() });
      else expect({ context, refused: refusedField('at', raw) }).toEqual({ context, refused: 'at' });
    }
  });
});

describe(parseInstantOrVersion.name, () => {
  it('parseInstantOrVersion_WhenTheInstantIsImpossible_NamesItsField', () => {
    expect(() => parseInstantOrVersion({ fromAt: '2026-02-30T00:00Z' }, 'fromAt', 'fromVersion')).toThrow(
      expect.objectContaining({ response: expect.objectContaining({ errors: [expect.objectContaining({ field: 'fromAt' })] }) }),
    );
  });
});

describe(`${parseInstant.name} of an offset sent unencoded`, () => {
  it('parseInstant_WhenThePlusOfTheOffsetArrivedAsASpace_SaysToSendItAsPercent2B', () => {
    const reasonFor = (raw: string) => {
      try {
        parseInstant('at', raw);
      } catch (e) {
        return ((e as HttpException).getResponse() as { errors: { reason: string }[] }).errors[0]!.reason;
      }
      return null;
    };
    expect(reasonFor('2011-07-01T00:00:00 08:00')).toContain('%2B');
    expect(reasonFor('2011-07-01T00:00 08:00')).toContain('%2B');
    expect(reasonFor('2011-07-01 08:00')).not.toContain('%2B');
    expect(reasonFor('2011-07-01T00:00:00+08:00')).toBeNull();
  });
});

describe(parsePositiveInt.name, () => {
  // The refusal says "an integer from 1 to 9007199254740991": every integer it names is taken, 16 digits included.
  it('parsePositiveInt_AtTheLargestSafeInteger_TakesWhatItsRefusalNames', () => {
    expect(parsePositiveInt('size', String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsePositiveInt('size', '1000000000000000')).toBe(1e15);
    for (const raw of [String(Number.MAX_SAFE_INTEGER + 1), '99999999999999999', '0', '-1', '1e3', ' 1', '0x10'])
      expect(() => parsePositiveInt('size', raw)).toThrow(
        expect.objectContaining({ response: expect.objectContaining({ errors: [expect.objectContaining({ field: 'size' })] }) }),
      );
  });
});
