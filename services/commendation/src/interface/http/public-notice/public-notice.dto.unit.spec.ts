import { randomUUID } from 'node:crypto';
import { validationPipe } from '@vanguard/http';
import { FileObjectionRequest } from './public-notice.dto';

const refusal = async (body: object): Promise<unknown> => {
  try {
    await validationPipe().transform(body, { type: 'body', metatype: FileObjectionRequest });
    return 'valid';
  } catch (e) {
    return (e as { getResponse(): { errors: unknown } }).getResponse().errors;
  }
};

describe('an objection’s body', () => {
  // The route's objection budget answers before the body is read, so this is checked here, on the request class the route validates.
  it('refuses markup in the grounds and the name, naming the field', async () => {
    const nominationId = randomUUID();
    expect(await refusal({ nominationId, grounds: '<script>alert(1)</script>所述不实' })).toEqual([
      { field: 'grounds', reason: '不得含 < 或 > / grounds must be plain text without < or >' },
    ]);
    expect(await refusal({ nominationId, grounds: '所述不实', name: '<b>王五</b>' })).toEqual([
      { field: 'name', reason: '不得含 < 或 > / name must be plain text without < or >' },
    ]);
    expect(await refusal({ nominationId, grounds: '所述事迹与实际不符，收入不足1000元', name: '王五' })).toBe('valid');
  });
});
