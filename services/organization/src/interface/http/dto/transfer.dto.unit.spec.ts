import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { RejectTransferRequest } from './transfer.dto';

describe(RejectTransferRequest.name, () => {
  const errorsFor = async (reason: string) =>
    (await validate(plainToInstance(RejectTransferRequest, { reason }))).map((e) => ({
      field: e.property,
      rules: Object.keys(e.constraints ?? {}),
    }));

  it('validate_WhenTheReasonCarriesAPhoneOrIdNumber_NamesTheFieldAndTheRule', async () => {
    expect(await errorsFor('请联系 13912345678')).toEqual([{ field: 'reason', rules: ['noPersonalNumbers'] }]);
    expect(await errorsFor('身份证 320101850101123')).toEqual([{ field: 'reason', rules: ['noPersonalNumbers'] }]);
  });

  it('validate_WhenTheReasonIsPlain_Accepts', async () => {
    expect(await errorsFor('材料不全，2011年5月5日前补交')).toEqual([]);
  });
});
