import { BusinessRuleViolation } from '@vanguard/kernel';
import {
  DeclineNeedsAReason,
  ExemplarEditSaysSomething,
  ExemplarMustBeProposed,
  ExemplarMustBePublished,
  ExemplarTextCarriesNoPersonalNumbers,
  PublishedExemplarNeedsANameAndStory,
  TakeDownNeedsAReason,
  acceptExemplar,
  declineExemplar,
  editExemplar,
  takeDownExemplar,
  withdrawExemplar,
  type Exemplar,
} from './exemplar';
import { RichTextCarriesNoDirectionControl } from '../content/rich-text';

const proposed: Exemplar = {
  id: 'e1',
  status: 'proposed',
  name: '张三',
  orgId: 'o1',
  orgName: '红石村党支部',
  category: 'outstanding_member',
  story: '带头修路',
  version: 1,
};

const refusedBy = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof BusinessRuleViolation) return (e.rule as unknown as { id: string }).id;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('exemplar', () => {
  it('a proposal is edited, then accepted and published', () => {
    const edited = editExemplar(proposed, { story: '带头修路，办成实事十件' })!;
    expect(edited.story).toBe('带头修路，办成实事十件');
    expect(acceptExemplar(edited).status).toBe('published');
  });

  it('editExemplar_WhenTheEditShowsWhatIsShown_LeavesItUnchanged', () => {
    expect(editExemplar(proposed, { name: proposed.name!, story: proposed.story })).toBeUndefined();
    expect(editExemplar(proposed, { story: proposed.story })).toBeUndefined();
    expect(editExemplar(proposed, { name: proposed.name!, story: `${proposed.story} ` })?.story).toBe(`${proposed.story} `);
  });

  it('a pioneer proposal without a name cannot be published until the editor names it', () => {
    const nameless = { ...proposed, name: null };
    expect(refusedBy(() => acceptExemplar(nameless))).toBe(new PublishedExemplarNeedsANameAndStory(nameless).id);
    expect(acceptExemplar(editExemplar(nameless, { name: '李四' })!).status).toBe('published');
  });

  it('a story of empty markup is no story: it cannot be published', () => {
    for (const story of ['<p></p>', '<p> <br></p><ul><li>&nbsp;</li></ul>']) {
      const empty = { ...proposed, story };
      expect(refusedBy(() => acceptExemplar(empty))).toBe(new PublishedExemplarNeedsANameAndStory(empty).id);
    }
    expect(acceptExemplar({ ...proposed, story: '<p>带头修路</p>' }).status).toBe('published');
  });

  it('the honour roll shows no ID-card or phone number: an edit carrying one is refused, and so is publishing one a proposal brought', () => {
    const rule = new ExemplarTextCarriesNoPersonalNumbers('story', '').id;
    expect(refusedBy(() => editExemplar(proposed, { story: '<p>联系电话13812345678</p>' }))).toBe(rule);
    expect(refusedBy(() => editExemplar(proposed, { story: '<p><a href="tel:138-1234-5678">电话</a></p>' }))).toBe(rule);
    expect(refusedBy(() => editExemplar(proposed, { name: '张三 110101199003077777' }))).toBe(rule);
    expect(refusedBy(() => acceptExemplar({ ...proposed, story: '身份证１１０１０１１９９００３０７７７７７' }))).toBe(rule);
    expect(acceptExemplar(editExemplar(proposed, { story: '<p>2011年带头修路3公里</p>' })!).status).toBe('published');
  });

  it('an edit gives a name or a story, and a name that is not blank', () => {
    const rule = new ExemplarEditSaysSomething({}).id;
    expect(refusedBy(() => editExemplar(proposed, {}))).toBe(rule);
    expect(refusedBy(() => editExemplar(proposed, { name: '   ' }))).toBe(rule);
    expect(editExemplar(proposed, { story: '带头修路三公里' })?.story).toBe('带头修路三公里');
  });

  it('WhenANameOrStoryShowsNothing_TheEditIsRefused', () => {
    const rule = new ExemplarEditSaysSomething({}).id;
    for (const name of ['\u200b', '\u2800\u3164', '\u00ad\ufeff', '\u3000', '\ufe0f', '\u034f\u180b'])
      expect(refusedBy(() => editExemplar(proposed, { name }))).toBe(rule);
    // As stored: the sanitiser decodes `&#8203;` into the character itself.
    for (const story of ['<p>\u200b</p>', '<p>&#8203;</p>', '<p>\u2800</p><ul><li>\u3164&nbsp;</li></ul>', '<br>'])
      expect(refusedBy(() => editExemplar(proposed, { story }))).toBe(rule);
  });

  it('WhenTheNameOrStoryShowsNothing_ItIsNotPublished', () => {
    for (const e of [
      { ...proposed, name: '\u2800\u3164' },
      { ...proposed, name: '\u200b' },
      { ...proposed, story: '<p>\u200b</p>' },
      { ...proposed, story: '<p>&#8203;\u00a0</p>' },
      { ...proposed, name: '\ufe0f' },
      { ...proposed, story: '<p>\u034f\u180b</p>' },
    ])
      expect(refusedBy(() => acceptExemplar(e))).toBe(new PublishedExemplarNeedsANameAndStory(e).id);
  });

  it('WhenTheStoryCarriesADirectionControl_TheEditAndThePublishingAreRefused', () => {
    const rule = new RichTextCarriesNoDirectionControl('story', '').id;
    for (const story of [
      '<p>张三\u202e四李</p>',
      '<p>张三&#x202e;四李</p>',
      '<a href="https://x.example/&#8238;">x</a>',
      '<p>a&#X2067;b</p>',
    ])
      expect(refusedBy(() => editExemplar(proposed, { story }))).toBe(rule);
    expect(refusedBy(() => acceptExemplar({ ...proposed, story: '<p>张三\u2066四李</p>' }))).toBe(rule);
    // The marks (U+200E, U+200F) settle neutral characters only; they stay (ADR 0116).
    expect(editExemplar(proposed, { story: '<p>\u200f带头修路</p>' })?.story).toBe('<p>\u200f带头修路</p>');
  });

  it('declining needs a reason', () => {
    expect(refusedBy(() => declineExemplar(proposed, ' '))).toBe(new DeclineNeedsAReason(undefined).id);
    expect(refusedBy(() => declineExemplar(proposed, '\u200b\u2800'))).toBe(new DeclineNeedsAReason(undefined).id);
    expect(declineExemplar(proposed, '事迹不典型').status).toBe('declined');
  });

  it('an editor takes a published exemplar down, with a reason the public history may show', () => {
    const published = acceptExemplar(proposed);
    expect(takeDownExemplar(published, '事迹经核实有误').status).toBe('withdrawn');
    expect(refusedBy(() => takeDownExemplar(published, '  '))).toBe(new TakeDownNeedsAReason(undefined).id);
    expect(refusedBy(() => takeDownExemplar(published, '\u3164'))).toBe(new TakeDownNeedsAReason(undefined).id);
    expect(refusedBy(() => takeDownExemplar(published, '本人要求，电话13812345678'))).toBe(
      new ExemplarTextCarriesNoPersonalNumbers('reason', '').id,
    );
  });

  it('a name and a take-down reason are judged as every plain text in clear: a split 15-digit card is refused (version 2)', () => {
    const rule = new ExemplarTextCarriesNoPersonalNumbers('reason', '').id;
    for (const card of ['身份证 110105-710923-002', '身份证 110105 710923 002']) {
      expect(refusedBy(() => takeDownExemplar(acceptExemplar(proposed), card))).toBe(rule);
      expect(refusedBy(() => editExemplar(proposed, { name: `赵春生${card}` }))).toBe(rule);
    }
    // A story keeps the reading made for prose: a date range is no number.
    expect(editExemplar(proposed, { story: '<p>2019-2021年间带动增收</p>' })?.story).toContain('2019-2021');
    expect(new ExemplarTextCarriesNoPersonalNumbers('name', '').version).toBe(2);
  });

  it('only a published exemplar is taken down', () => {
    const rule = new ExemplarMustBePublished('proposed').id;
    expect(refusedBy(() => takeDownExemplar(proposed, '有误'))).toBe(rule);
    expect(refusedBy(() => takeDownExemplar(declineExemplar(proposed, '不典型'), '有误'))).toBe(rule);
    expect(refusedBy(() => takeDownExemplar(takeDownExemplar(acceptExemplar(proposed), '有误'), '有误'))).toBe(rule);
  });

  it('only a proposal is edited, accepted or declined', () => {
    const published = acceptExemplar(proposed);
    const rule = new ExemplarMustBeProposed('published').id;
    expect(refusedBy(() => acceptExemplar(published))).toBe(rule);
    expect(refusedBy(() => editExemplar(published, { name: 'x' }))).toBe(rule);
    expect(refusedBy(() => declineExemplar(withdrawExemplar(proposed), 'r'))).toBe(rule);
  });
});
