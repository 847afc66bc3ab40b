import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsDay } from './validation';

class Dated {
  @IsDay('on')
  on!: string;
}

const errorsFor = (on: unknown) => validateSync(plainToInstance(Dated, { on })).flatMap((e) => Object.values(e.constraints ?? {}));

describe(IsDay.name, () => {
  it('WhenTheDayExists_Passes', () => {
    for (const on of ['2011-06-20', '2012-02-29', '2000-02-29', '1900-01-01', '2099-12-31']) expect(errorsFor(on)).toEqual([]);
  });

  it('WhenTheDayDoesNotExistOrIsNotADay_NamesTheField', () => {
    for (const on of [
      '2011-02-30',
      '2011-02-29',
      '1900-02-29',
      '2011-13-45',
      '2011-6-20',
      '2011-06-20T00:00:00Z',
      20110620,
      '',
      '0000-01-01',
      '0001-01-01',
      '1899-12-31',
      '2100-01-01',
      '9999-12-31',
    ])
      expect(errorsFor(on)).toEqual([expect.stringContaining('on must be a date YYYY-MM-DD')]);
  });
});
