import { personalNumbersShownIn, shownText } from './shown-text';

describe(personalNumbersShownIn.name, () => {
  it.each([
    ['zero-width spaces', '电话138\u200b1234\u200b5678', false],
    ['a soft hyphen and a word joiner', '138\u00ad1234\u20605678', false],
    ['tags inside the number', '<p>138<strong>1234</strong>5678</p>', true],
    ['decimal references', '<p>&#49;&#51;&#56;12345678</p>', true],
    ['hexadecimal references', '<p>&#x31;38&#x31;2345678</p>', true],
    ['a number in a link address', '<p><a href="tel:13812345678">电话</a></p>', true],
    ['an ID-card number split by a tag', '<p>110101<em>19900307</em>7777</p>', true],
    ['dots between the groups', '电话138.0013.8000', false],
    ['a landline with its area code in brackets', '联系（010）62345678', false],
    ['slashes and middle dots', '138/0013·8000', false],
    ['Chinese numerals', '手机一三八〇〇一三八〇〇〇', false],
    ['Chinese numerals said aloud, with 幺 and 两', '幺三八两两三四五六七八', false],
    ['an ID-card number with dots', '110101.19900307.7777', false],
  ])('finds a phone or ID-card number behind %s', (_, text, markup) => {
    expect(personalNumbersShownIn(text, markup).length).toBeGreaterThan(0);
  });

  it('finds none in text that shows none, and reads tags only in markup', () => {
    expect(personalNumbersShownIn('<p>2011年带头修路<b>3</b>公里，受益农户122户</p>', true)).toEqual([]);
    // Prose with numbers is not a number: quantities, dates, decimals, short Chinese numerals.
    for (const prose of [
      '投资138.5万元，惠及1,234户、5,678人',
      '2019.01.01—2019.12.31共走访三百二十户',
      '一二三四季度分别完成12、13、14、15项',
      '第一、二、三、四、五批共计（20）个项目',
    ])
      expect([prose, personalNumbersShownIn(prose)]).toEqual([prose, []]);
    expect(shownText('<b>a</b>&nbsp;&amp;&unknown;', true)).toBe('a &&unknown;');
    expect(shownText('<b>a</b>')).toBe('<b>a</b>');
    expect(shownText('&#1114112;&#x110000;x', true)).toBe('x');
  });
});
