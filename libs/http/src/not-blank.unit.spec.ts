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
    ['nothing at all', undefined],
    ['a number', 5],
  ])('refuses %s', (_, name) => expect(refused(name)).toEqual(['name must not be blank']));

  it('takes text that shows something, and checks each item of an array', () => {
    expect(refused(' 王红梅 ')).toEqual([]);
    expect(refused('王红梅', ['学习', '\u200b'])).toEqual(['each of tags must not be blank']);
  });
});
