import { validateSync } from 'class-validator';
import { IsNotBlank } from './not-blank';

class Named {
  @IsNotBlank()
  name!: unknown;

  @IsNotBlank({ each: true })
  tags: unknown[] = ['x'];
}

const refused = (name: unknown, tags: unknown[] = ['x']) =>
  validateSync(Object.assign(new Named(), { name, tags })).map((e) => Object.values(e.constraints ?? {})[0]);

describe(IsNotBlank.name, () => {
  it.each([
    ['spaces', '   '],
    ['an ideographic space', '\u3000'],
    ['zero-width spaces, shown as nothing', '\u200b\u200b'],
    ['Braille and Hangul blanks', '\u2800\u3164'],
    ['a variation selector alone', '\ufe0f'],
    ['a combining grapheme joiner and a Mongolian variation selector', '\u034f\u180b'],
    ['nothing at all', undefined],
    ['a number', 5],
  ])('refuses %s', (_, name) => expect(refused(name)).toEqual(['name must not be blank']));

  it('takes text that shows something, and checks each item of an array', () => {
    expect(refused(' 王红梅 ')).toEqual([]);
    expect(refused('王红梅', ['学习', '\u200b'])).toEqual(['each of tags must not be blank']);
  });

  it('refuses exactly what shows nothing, variation selectors and other default-ignorables alone too (ADR 0124)', () => {
    const pieces = ['\ufe0f', '\ufe0e', '\u034f', '\u180b', '\u200b', '\u2800', '\u3164', '\u00ad', ' ', '\u3000', 'a', '人'];
    for (let i = 0; i < 500; i++) {
      const name = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => pieces[Math.floor(Math.random() * pieces.length)]).join(
        '',
      );
      // An independent reading of "shows nothing": no letter, number, punctuation or symbol left
      // but the Hangul filler (a letter by category) and the Braille blank (a symbol).
      const showsNothing = !/[\p{L}\p{N}\p{P}\p{S}]/u.test(name.replace(/[\u3164\u2800]/g, ''));
      expect({ name, refused: refused(name).length > 0 }).toEqual({ name, refused: showsNothing });
    }
  });
});
