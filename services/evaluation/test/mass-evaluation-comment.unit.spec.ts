import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { sanitiseComment } from '../src/application/commands/mass-evaluation/cast-ballot.handler';
import { CastBallotRequest } from '../src/interface/http/mass-evaluation/mass-evaluation.dto';

const problemsOf = (comment: string) =>
  validateSync(plainToInstance(CastBallotRequest, { code: 'ABCD-EFGH-JKMN-PQRS', rating: 'satisfied', comment })).map((e) => e.property);
const codePoints = (s: string | null) => [...(s ?? '')].length;

/** A comment the request accepts is stored whole: both sides count Unicode code points. */
describe('ballot comment length', () => {
  it.each([
    ['emoji (two UTF-16 units each)', '😀'],
    ['CJK', '长'],
    ['heart with a variation selector (two code points)', '❤\ufe0f'],
    ['Latin', 'a'],
  ])('accepts exactly what it stores, never cutting: %s', (_label, unit) => {
    const perUnit = codePoints(unit);
    const fits = unit.repeat(Math.floor(500 / perUnit));
    expect(problemsOf(fits)).toEqual([]);
    expect(sanitiseComment(fits)).toBe(fits);
    expect(codePoints(sanitiseComment(fits))).toBe(codePoints(fits));
    expect(problemsOf(fits + unit)).toEqual(['comment']);
  });

  it('refuses rather than cuts a comment that is too long after normalisation', () => {
    expect(() => sanitiseComment('😀'.repeat(501))).toThrow(expect.objectContaining({ code: 'BALLOT.COMMENT_TOO_LONG' }));
  });
});

describe(sanitiseComment.name, () => {
  it('stores a comment a reader sees as nothing (Braille, Hangul or ideographic blanks) as none', () => {
    for (const blank of ['\u2800', '\u3164\u3000', '\u200b\u2800\u115f']) expect(sanitiseComment(blank)).toBeNull();
    expect(sanitiseComment('\u2800路灯不亮\u2800')).toBe('\u2800路灯不亮\u2800');
  });
});
