import { BusinessRuleViolation } from '@vanguard/kernel';
import { DEFAULT_LEVEL_WEIGHTS, mediaStatistics } from '../stats/media-score';
import { editArticle, outletKey, publishIn, reportOnCampaign, returnToDraft, submitForReview, type Publication } from './article';

const refusedBy = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof BusinessRuleViolation) return (e.rule as unknown as { id: string }).id;
    throw e;
  }
  throw new Error('expected a refusal');
};

const text = { title: '红石村合作社见闻', bodyHtml: '<p>正文</p>' };
const people: Publication = { outlet: '人民日报', level: 'central', channel: 'press', publishedOn: '2026-05-01' };

describe('article', () => {
  it('goes draft → review → published, and back to draft from review', () => {
    expect(submitForReview('draft')).toBe('in_review');
    expect(returnToDraft('in_review')).toBe('draft');
    expect(publishIn('in_review', [], people, '2026-05-02')).toBe('published');
  });

  it('reports on a campaign only from inside the subtree it covers (or one known here)', () => {
    expect(() => reportOnCampaign(true)).not.toThrow();
    expect(refusedBy(() => reportOnCampaign(false))).toBe('publicity.article-within-campaign');
  });

  it('is not published from a draft, nor edited once sent', () => {
    expect(refusedBy(() => publishIn('draft', [], people, '2026-05-02'))).toBe('publicity.article-state');
    expect(refusedBy(() => editArticle('in_review', text, { title: '第二稿' }))).toBe('publicity.article-state');
  });

  it('an edit gives a title or a body, and one that leaves the text as it was makes no new version', () => {
    expect(refusedBy(() => editArticle('draft', text, {}))).toBe('publicity.article-edit-says-something');
    expect(editArticle('draft', text, { title: text.title })).toBeUndefined();
    expect(editArticle('draft', text, { title: text.title, body: text.bodyHtml })).toBeUndefined();
    expect(editArticle('draft', text, { body: '<p>第二稿</p>' })).toEqual({ title: text.title, bodyHtml: '<p>第二稿</p>' });
    expect(editArticle('draft', text, { title: '第二稿' })).toEqual({ title: '第二稿', bodyHtml: text.bodyHtml });
  });

  it('a reprint counts once per outlet, however the outlet is typed', () => {
    expect(refusedBy(() => publishIn('published', ['人民日报'], { ...people, outlet: ' 人民日报 ' }, '2026-05-02'))).toBe(
      'publicity.reprint-once-per-outlet',
    );
    expect(publishIn('published', ['人民日报'], { ...people, outlet: '内蒙古日报', level: 'provincial' }, '2026-05-02')).toBe('published');
  });

  // The probe's forms, and others that show as nothing: each was a new outlet and scored again (ADR 0124).
  it.each([
    ['a zero-width space', '人民日报\u200b'],
    ['a soft hyphen', '人民日报\u00ad'],
    ['a zero-width joiner inside', '人民\u200d日报'],
    ['a word joiner and a BOM', '\ufeff人民\u2060日报'],
    ['a variation selector', '人民日报\ufe0f'],
    ['a Braille blank', '人民\u2800日报'],
    ['Hangul fillers', '\u3164人民\uffa0日报\u115f'],
    ['a combining grapheme joiner', '人民\u034f日报'],
    ['a space between its characters', '人民 日报'],
    ['an ideographic space', '人民\u3000日报'],
  ])('WhenTheOutletCarries %s_AReprintThereIsRefused', (_what, outlet) => {
    expect(outletKey(outlet)).toBe('人民日报');
    expect(refusedBy(() => publishIn('published', ['人民日报'], { ...people, outlet }, '2026-05-02'))).toBe(
      'publicity.reprint-once-per-outlet',
    );
  });

  it('keeps apart outlets that read differently, and a key is its own key', () => {
    expect(outletKey('ＣＨＩＮＡ  Daily')).toBe('china daily');
    expect(outletKey('China Daily')).not.toBe(outletKey('ChinaDaily'));
    expect(outletKey('CCTV 新闻')).toBe(outletKey('CCTV新闻'));
    expect(outletKey('人民日报海外版')).not.toBe(outletKey('人民日报'));
    for (const o of ['人民\u200d日报 海外版', ' China\u00a0 Daily ', '内蒙古\u2800日报'])
      expect(outletKey(outletKey(o))).toBe(outletKey(o));
  });

  it('is not dated after today', () => {
    expect(refusedBy(() => publishIn('in_review', [], { ...people, publishedOn: '2026-05-03' }, '2026-05-02'))).toBe(
      'publicity.publication-not-in-future',
    );
  });
});

describe('mediaStatistics', () => {
  it('counts once the rows stored before ADR 0124 that name one outlet with invisible characters', () => {
    const stats = mediaStatistics(
      ['人民日报', '人民日报\u200b', '人民日报\u00ad', '人民\u200d日报'].map((outlet) => ({
        articleId: 'a',
        outlet,
        level: 'central' as const,
      })),
      { levels: {}, outlets: new Map() },
    );
    expect([stats.byLevel.central.publications, stats.score]).toEqual([1, DEFAULT_LEVEL_WEIGHTS.central]);
  });

  it('weighs each (article, outlet) once, by the outlet’s weight or else its level’s', () => {
    const stats = mediaStatistics(
      [
        { articleId: 'a', outlet: '人民日报', level: 'central' },
        { articleId: 'a', outlet: '人民日报 ', level: 'central' },
        { articleId: 'a', outlet: '内蒙古日报', level: 'provincial' },
        { articleId: 'b', outlet: '青山日报', level: 'municipal' },
        { articleId: 'c', outlet: '松岭旗融媒体', level: 'county' },
      ],
      { levels: { provincial: 4 }, outlets: new Map([['青山日报', 3]]) },
    );
    expect(stats.publications).toBe(4);
    expect(stats.byLevel.central).toEqual({ articles: 1, publications: 1, score: DEFAULT_LEVEL_WEIGHTS.central });
    expect(stats.byLevel.provincial.score).toBe(4);
    expect(stats.byLevel.municipal.score).toBe(3);
    expect(stats.score).toBe(DEFAULT_LEVEL_WEIGHTS.central + 4 + 3 + DEFAULT_LEVEL_WEIGHTS.county);
  });
});
