import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  CreateArticleRequest,
  CreateColumnRequest,
  EditArticleRequest,
  EditExemplarRequest,
  PublishArticleRequest,
  SetWeightRequest,
} from './dto';

const ORG = '00000000-0000-4000-8000-910425101201';
/** The fields a request is refused for. */
const refusedFields = (type: new () => object, body: object): string[] => validateSync(plainToInstance(type, body)).map((e) => e.property);

describe('plain-text fields that show nothing', () => {
  // Each took "\u200b" before (MinLength(1)); the exemplar's name took "\u2800\u3164" too.
  it.each([
    ['an exemplar’s name', EditExemplarRequest, 'name', {}],
    ['an article’s title', CreateArticleRequest, 'title', { orgId: ORG, body: 'x' }],
    ['an edited title', EditArticleRequest, 'title', {}],
    ['a column’s name', CreateColumnRequest, 'name', { orgId: ORG }],
    ['an outlet', PublishArticleRequest, 'outlet', { level: 'central', channel: 'press', publishedOn: '2026-05-01' }],
    ['a weighed outlet', SetWeightRequest, 'outlet', { weight: 3 }],
  ])('WhenTheFieldIs %s_RefusesItNamingIt', (_what, type: new () => object, field: string, rest: object) => {
    for (const blank of ['', '\u200b', '\u2800\u3164', '\u00ad\u3000'])
      expect(refusedFields(type, { ...rest, [field]: blank })).toEqual([field]);
    expect(refusedFields(type, { ...rest, [field]: '人民日报' })).toEqual([]);
  });
});
