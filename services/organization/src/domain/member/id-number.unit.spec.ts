import { seededRandom } from '@vanguard/testing';
import { withCheckDigit } from '../../../test/support/id-numbers';
import { idNumberCheckDigit, idNumberProblem } from './id-number';
import { PersonalData } from './personal-data.value-object';

// The examples GB 11643-1999 itself gives: an independent check of the weights and the digits.
const STANDARD_EXAMPLES = ['11010519491231002X', '440524188001010014'];

describe('ID numbers (GB 11643)', () => {
  it('takes the standard’s own examples, and the lower-case x as X', () => {
    for (const example of STANDARD_EXAMPLES) expect([example, idNumberProblem(example)]).toEqual([example, null]);
    expect(PersonalData.of('11010519491231002x', null, '2026-12-06').idNumber).toBe('11010519491231002X');
  });

  it('refuses every single digit mistyped and every two neighbours swapped, over random valid numbers', () => {
    const random = seededRandom(11643);
    const digit = () => String(Math.floor(random() * 10));
    // Collected, then compared once: 20,000 expect calls took most of this suite's 8 s.
    const wrong: string[] = [];
    let typos = 0;
    for (let n = 0; n < 200; n++) {
      const birth = `${1930 + Math.floor(random() * 80)}0${1 + Math.floor(random() * 9)}1${Math.floor(random() * 9)}`;
      const first17 = Array.from({ length: 6 }, digit).join('') + birth + Array.from({ length: 3 }, digit).join('');
      // Built with the tests' own check-digit code, not the domain's.
      const valid = withCheckDigit(first17);
      if (idNumberProblem(valid) !== null) wrong.push(`${valid} refused`);
      // Only the region and sequence digits and the check digit: a mistyped birth date may be refused as a date instead.
      for (const at of [0, 1, 2, 3, 4, 5, 14, 15, 16, 17]) {
        for (const d of '0123456789X') {
          if (d === valid[at] || (d === 'X' && at !== 17)) continue;
          const typo = valid.slice(0, at) + d + valid.slice(at + 1);
          typos++;
          if (!idNumberProblem(typo)?.includes('check digit')) wrong.push(`${typo} (typo of ${valid}) not refused by its check digit`);
        }
      }
      for (let at = 0; at < 17; at++) {
        if (valid[at] === valid[at + 1]) continue;
        const swapped = valid.slice(0, at) + valid[at + 1] + valid[at] + valid.slice(at + 2);
        typos++;
        if (idNumberProblem(swapped) === null) wrong.push(`${swapped} (swap in ${valid}) accepted`);
      }
    }
    expect(wrong).toEqual([]);
    expect(typos).toBeGreaterThan(20_000);
  });

  it('says which part is wrong: the shape, the birth date or the check digit', () => {
    expect(idNumberProblem('1101051949123100')).toContain('17 digits and a digit or X');
    expect(idNumberProblem('1101051949123100XX')).toContain('17 digits and a digit or X');
    expect(idNumberProblem('110105194902300029')).toContain('birth date');
    expect(idNumberProblem('110105179912310023')).toContain('birth date');
    expect(idNumberProblem('110105194912310021')).toContain('check digit');
    // 29 February only in a leap year.
    const leap = '11010519480229001';
    expect(idNumberProblem(leap + idNumberCheckDigit(leap))).toBeNull();
    const common = '11010519490229001';
    expect(idNumberProblem(common + idNumberCheckDigit(common))).toContain('birth date');
  });

  it('refuses a birth date after the day it is entered, the day itself taken', () => {
    const born = (day: string) => withCheckDigit(`110105${day.replace(/-/g, '')}001`);
    expect(idNumberProblem(born('2026-12-07'), '2026-12-06')).toContain('after today');
    expect(idNumberProblem(born('2026-12-06'), '2026-12-06')).toBeNull();
    expect(() => PersonalData.of(born('2027-01-01'), null, '2026-12-06')).toThrow(
      expect.objectContaining({ code: 'MEMBER.ID_NUMBER_INVALID' }),
    );
  });

  it('is judged when entered, not when a number stored before the check digit was asked is read back', () => {
    expect(() => PersonalData.of('110101199001011234', null, '2026-12-06')).toThrow(
      expect.objectContaining({ code: 'MEMBER.ID_NUMBER_INVALID' }),
    );
    expect(PersonalData.restore('110101199001011234', null).maskedIdNumber()).toBe('1101**********1234');
  });
});
