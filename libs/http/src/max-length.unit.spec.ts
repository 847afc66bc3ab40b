import { BadRequestException } from '@nestjs/common';
import { IsString, MaxLength as ClassValidatorMaxLength } from 'class-validator';
import { z } from 'zod';
import { MaxLength } from './max-length';
import { validationPipe } from './validation';

class Titled {
  @IsString() @MaxLength(200) title!: string;
  @IsString({ each: true }) @MaxLength(4, { each: true }) tags!: string[];
}

class TitledTheOldWay {
  @IsString() @ClassValidatorMaxLength(200) title!: string;
}

const answer = async (metatype: new () => object, body: object): Promise<unknown> => {
  try {
    await validationPipe().transform(body, { type: 'body', metatype });
    return 'valid';
  } catch (e) {
    return ((e as BadRequestException).getResponse() as { errors: unknown }).errors;
  }
};

// What the event contracts check, written with zod as they write it: the independent measure (zod counts code points).
const contract = z.string().max(200);

describe('MaxLength counts as the event contracts count', () => {
  const texts = {
    ascii: 'a'.repeat(200),
    chinese: '长'.repeat(200),
    emoji: '😀'.repeat(101),
    'rare character (CJK Extension B)': '𠀀'.repeat(101),
    'variation selector': '✔️'.repeat(101),
    'lone variation selectors': '\ufe0f'.repeat(201),
  };

  it.each(Object.entries(texts))('%s: the request is refused exactly when the contract refuses it', async (_, title) => {
    const refusedByContract = !contract.safeParse(title).success;
    const refused = (await answer(Titled, { title, tags: [] })) !== 'valid';
    expect(refused).toBe(refusedByContract);
  });

  it('agrees with the contract on 300 random texts near the limit', async () => {
    const pieces = ['a', '长', '😀', '✔️', '\ufe0f', '\ufe0e', '𠀀', '\u200d'];
    for (let i = 0; i < 300; i++) {
      let title = '';
      const target = 150 + Math.floor(Math.random() * 100);
      while (title.length < target) title += pieces[Math.floor(Math.random() * pieces.length)]!;
      const refused = (await answer(Titled, { title, tags: [] })) !== 'valid';
      expect({ title, refused }).toEqual({ title, refused: !contract.safeParse(title).success });
    }
  });

  it('class-validator’s own let through what the contract refuses (why this one exists)', async () => {
    expect(contract.safeParse(texts['variation selector']).success).toBe(false);
    expect(await answer(TitledTheOldWay, { title: texts['variation selector'] })).toBe('valid');
  });

  it('counts an emoji and a rare character once, as the contract does', async () => {
    for (const title of ['😀'.repeat(200), '𠀀'.repeat(200)]) expect(await answer(Titled, { title, tags: [] })).toBe('valid');
    expect(await answer(Titled, { title: '😀'.repeat(201), tags: [] })).not.toBe('valid');
  });

  it('names the field and the limit as class-validator did, each item of a list too', async () => {
    expect(await answer(Titled, { title: '✔️'.repeat(101), tags: ['ok', '✔️✔️✔️'] })).toEqual([
      { field: 'title', reason: expect.stringContaining('title must be shorter than or equal to 200 characters') },
      { field: 'tags', reason: expect.stringContaining('each value in tags must be shorter than or equal to 4 characters') },
    ]);
  });
});
