import { randomUUID } from 'node:crypto';
import { validationPipe } from '@vanguard/http';
import { DecideCommendationRequest, LaunchProgrammeRequest, RevokeCommendationRequest } from './nomination.dto';

const programme = (name: string) => ({
  name,
  orgId: randomUUID(),
  level: 'county',
  categories: ['outstanding_member'],
  years: [2010],
  timeline: {
    nominationOpensOn: '2011-04-15',
    nominationClosesOn: '2011-05-10',
    reviewDeadlines: [{ level: 'township', dueOn: '2011-05-20' }],
    notice: { days: 5, dayKind: 'working' },
    decisionOn: '2011-06-28',
  },
});

const refusal = async (body: object, metatype: new () => object = LaunchProgrammeRequest): Promise<unknown> => {
  try {
    await validationPipe().transform(body, { type: 'body', metatype });
    return 'valid';
  } catch (e) {
    return (e as { getResponse(): { errors: unknown } }).getResponse().errors;
  }
};

describe('a programme’s launch body', () => {
  // The programme's name heads its public notice, which anyone reads without a token (a probe put <b onmouseover> there).
  it('refuses markup in the name, naming the field', async () => {
    expect(await refusal(programme('x <b onmouseover=alert(1)>x</b>'))).toEqual([
      { field: 'name', reason: '不得含 < 或 > / name must be plain text without < or >' },
    ]);
    expect(await refusal(programme('2011年七一集中表彰'))).toBe('valid');
  });
});

describe('a decision’s and a revocation’s body', () => {
  // The public honour roll (publicity) shows the decision's document number and the revocation's reason.
  it('refuses markup in the document number and the revocation’s reason, naming the field', async () => {
    expect(await refusal({ documentNumber: '松组发<i>12</i>号' }, DecideCommendationRequest)).toEqual([
      { field: 'documentNumber', reason: '不得含 < 或 > / documentNumber must be plain text without < or >' },
    ]);
    expect(await refusal({ documentNumber: '松组发〔2011〕12号' }, DecideCommendationRequest)).toBe('valid');
    expect(await refusal({ reason: '<a href=//x.cn>事迹失实</a>' }, RevokeCommendationRequest)).toEqual([
      { field: 'reason', reason: '不得含 < 或 > / reason must be plain text without < or >' },
    ]);
    expect(await refusal({ reason: '事迹失实' }, RevokeCommendationRequest)).toBe('valid');
  });
});
