import { personalNumbersIn } from './no-personal-numbers.refinement';
import { personalNumbersPublishedIn, personalNumbersShownIn, shownText } from './shown-text';

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
    ['middle dots and bullets', '138·0013•8000', false],
    ['Chinese numerals', '手机一三八〇〇一三八〇〇〇', false],
    ['Chinese numerals said aloud, with 幺 and 两', '幺三八两两三四五六七八', false],
    ['an ID-card number with dots', '110101.19900307.7777', false],
    ['Chinese numerals grouped 3-4-4 by spaces', '一三八 〇〇一三 八〇〇〇', false],
    ['Chinese numerals mixed with digits', '138〇〇13八〇〇〇', false],
    ['financial numerals', '壹叁捌零零壹叁捌零零零', false],
    ['○ typed for 〇', '一三八○○一三八○○○', false],
    ['colons, pipes and Chinese full stops', '138:0013|8000。', false],
    ['the dashes Unicode has besides the hyphen', '138\u20100013\u22128000', false],
    ['invisible blanks', '138\u31640013\u28008000', false],
    ['Arabic-Indic digits', '١٣٨٠٠١٣٨٠٠٠', false],
    [
      'keycaps',
      '1\ufe0f\u20e33\ufe0f\u20e38\ufe0f\u20e30\ufe0f\u20e30\ufe0f\u20e31\ufe0f\u20e33\ufe0f\u20e38\ufe0f\u20e30\ufe0f\u20e30\ufe0f\u20e30\ufe0f\u20e3',
      false,
    ],
    ['digits written one by one with dots', '1.3.8.0.0.1.3.8.0.0.0', false],
    ['a number next to a year', '电话138.0013.8000 2019年', false],
    ['an ID-card number ending in X, grouped', '110105 19491231 002X', false],
    // The second probe's forms.
    ['pairs of digits', '手机138.00.13.80.00', false],
    ['traditional financial numerals', '备用：壹叄捌零零壹叄捌零零零', false],
    ['an ID-card number in threes ending in X', '身份证 110.105.199.003.077.77X', false],
    ['box-drawing lines, arrows and apostrophes', "热线 138─0013→8000'", false],
    ['a middle dot in odd places', '联系 13·8001·38000', false],
    ['four dots at a time', '138....0013....8000', false],
    ['Suzhou numerals', '〡〣〨〇〇〡〣〨〇〇〇', false],
    ['洞 for zero', '幺三八洞洞幺三八洞洞洞', false],
    ['katakana long marks', '138ー0013ー8000', false],
    ['a reference with leading zeros', '<p>&#x0000031;38 0013 8000</p>', true],
    ['86 before it', '+86 138 0013 8000', false],
    ['letters before it', 'QQ13800138000', false],
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
      // A probe's cold review: hotlines, date ranges, serials, money and ids that are not anyone's number.
      '公布12345、12315、12366投诉举报热线',
      '拨打12345/12315/12366',
      '2020.11.5-2020.12.31开展集中整治',
      '2019/10/1-2019/12/31期间',
      '在1、2、3、4、5、6、7、8、9、10、11、12月每月开展',
      '分别投入12,000、34,000、56,000元',
      '到位资金138,000,000.00元，总产值15,000,000,000元',
      '编号2019-001-0001，档案号2019.001.0001',
      '（01）12345678号楼',
      '得分98/100，系统版本1.2.3',
      '二〇二〇年一〇月一日',
      '零零一二三四五六七八九',
      '详见 /organizations/00000000-0000-4000-8000-910425101201 与 a1b2c3d4-0000-4000-8000-138001380000',
      // The second probe's: ranges with dashes, statistics by slashes, spaced thousands, registration and contract numbers, times.
      '服务时间2023-10-8—2023-11-30',
      '2022年度：办件量/好评/回访 136/2800/5600 件',
      '总投资 15 000 000 000 元',
      '工商注册号110108000000016',
      '合同编号 3301 0220 2300 0015 08',
      '2019.12.31 13:00-17:30，2026-11-01 05:30:00+00',
      '项目编号 2019-0101-1234-5678',
    ])
      expect([prose, personalNumbersShownIn(prose)]).toEqual([prose, []]);
    expect(shownText('<b>a</b>&nbsp;&amp;&unknown;', true)).toBe('a &&unknown;');
    expect(shownText('<b>a</b>')).toBe('<b>a</b>');
    expect(shownText('&#1114112;&#x110000;x', true)).toBe('x');
  });

  // Each stretch of groups was once tried at every length: 1,400 characters took a second and a
  // 50,000-character story hours, on the event loop of the service checking it. Now a stretch
  // stops at the longest number (18 digits), and a '<' with no '>' is no tag: these end within
  // the test's own timeout by orders of magnitude, and still find what follows the flood.
  it.each([
    ['one-digit groups', '1 '.repeat(25_000)],
    ['one-digit groups in a paragraph', `<p>${'1 '.repeat(25_000)}</p>`],
    ['dots and dashes', '1.-'.repeat(16_000)],
    ['numerals', '一 '.repeat(25_000)],
    ['numerals unbroken, trimmed at both ends in reading 4', '九'.repeat(50_000)],
    ["'<' with no '>'", '<'.repeat(50_000)],
  ])('reads 50,000 characters of %s and finds the number after them', (_what, flood) => {
    expect(personalNumbersShownIn(flood.slice(0, 50_000), true)).toEqual([]);
    expect(personalNumbersShownIn(`${flood.slice(0, 50_000)} 电话 138 0013 8000`, true)).toEqual(['phone']);
    expect(personalNumbersShownIn(`${flood.slice(0, 50_000)} 110105 19491231 002X`, true)).toContain('id-number');
  });

  it('finds a number written straight after a name ending in a numeral, and one begun in numerals', () => {
    // 三, 四, 五 are numerals: read as one with the digits after them, 张三13800138000 was 313800138000, no number.
    for (const text of ['联系人张三13800138000', '李四13800138000', '找王五１３８００１３８０００', '一38 0013 8000'])
      expect([text, personalNumbersShownIn(text)]).toEqual([text, ['phone']]);
    for (const text of ['第三13个', '三十', '2023年三月', '张三1380013800'])
      expect([text, personalNumbersShownIn(text)]).toEqual([text, []]);
  });

  it('finds a number spelled in numerals straight after a name ending in one or two, in reading 4 only', () => {
    // 三 is a numeral: 张三一三八〇〇一三八〇〇〇 read as one group, 313800138000, no number (probe, public milestone).
    for (const [text, kind] of [
      ['户主张三一三八〇〇一三八〇〇〇', 'phone'],
      ['张三一一〇一〇五一九四九一二三一九九九九', 'id-number'],
      ['李三三一三八〇〇一三八〇〇〇', 'phone'],
      ['举报人王五 电话赵六壹叁捌零零壹叁捌零零零', 'phone'],
    ] as const) {
      expect([text, personalNumbersShownIn(text)]).toEqual([text, [kind]]);
      expect([text, personalNumbersShownIn(text, false, 3)]).toEqual([text, []]);
    }
    for (const text of ['张三一三八〇〇一三八〇〇', '第三一二三四五六七八九十批', '二〇二〇年一〇月一日'])
      expect([text, personalNumbersShownIn(text)]).toEqual([text, []]);
  });

  it('finds a number spelled in numerals with a numeral of the next word after it, in reading 4 only', () => {
    // A cold review: reading 4 took numerals off the front only, so a group, a household or a
    // surname spelled like a numeral after the number hid it again.
    for (const [text, kind] of [
      ['户主张三一三八〇〇一三八〇〇〇四组', 'phone'],
      ['身份证一一〇一〇一一九八〇〇一〇一一二三四三组', 'id-number'],
      ['联系一三八〇〇一三八〇〇〇陆老师', 'phone'],
      ['一三八〇〇一三八〇〇〇一户', 'phone'],
      ['电话一三八 〇〇一三 八〇〇〇四组', 'phone'],
    ] as const) {
      expect([text, personalNumbersShownIn(text)]).toEqual([text, [kind]]);
      expect([text, personalNumbersPublishedIn(text)]).toEqual([text, [kind]]);
      expect([text, personalNumbersShownIn(text, false, 3)]).toEqual([text, []]);
    }
    for (const text of ['一三八〇〇一三八〇四组', '二〇二六年一一月三〇日第三四组', '第一二三四五六七八九组'])
      expect([text, personalNumbersShownIn(text)]).toEqual([text, []]);
  });

  it('finds with each reading everything the one before finds, over random texts of digits, numerals and separators', () => {
    // Reading 3 adds a way to read a run; it must never lose one (a split once cost 〇10-62345678 its area code).
    for (const text of ['Tel13八00138000', '13八〇〇138〇〇〇', '电话〇10-62345678', '〇471-6234567'])
      expect([text, personalNumbersShownIn(text, false, 3)]).toEqual([text, ['phone']]);
    const alphabet = [...'0123456789013813800一二三八〇壹捌 -.·，张号aXx'];
    let seed = 20261204;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let found = 0;
    for (let i = 0; i < 5_000; i++) {
      const text = Array.from({ length: 8 + next(20) }, () => alphabet[next(alphabet.length)]).join('');
      const v2 = personalNumbersShownIn(text, false, 2);
      const v3 = personalNumbersShownIn(text, false, 3);
      const v4 = personalNumbersShownIn(text, false, 4);
      found += v2.length;
      expect([text, v2.filter((k) => !v3.includes(k)), v3.filter((k) => !v4.includes(k))]).toEqual([text, [], []]);
    }
    // Random texts in which reading 2 found nothing would prove nothing.
    expect(found).toBeGreaterThan(50);
  });

  it('reads blanks as a page lays them out, and an X set apart, in reading 3 only', () => {
    // A run of spaces shows as one; in markup a line break or a &#10; shows as a space too.
    for (const [text, markup] of [
      ['电话 138     0013     8000', false],
      ['电话 138     0013     8000', true],
      ['电话 138\n0013\n8000', true],
      ['<p>电话 138&#10;0013&#10;8000</p>', true],
    ] as const) {
      expect([text, personalNumbersShownIn(text, markup)]).toEqual([text, ['phone']]);
      expect([text, personalNumbersShownIn(text, markup, 2)]).toEqual([text, []]);
    }
    // In plain text a line break still lists numbers.
    expect(personalNumbersShownIn('136\n2800\n5600')).toEqual([]);
    expect(personalNumbersShownIn('310101 20000101 002 X')).toEqual(['id-number']);
    expect(personalNumbersShownIn('310101 20000101 002 X', false, 2)).toEqual([]);
    expect(personalNumbersShownIn('编号 310101 20000101 002 Xa')).toEqual([]);
  });
});

describe(personalNumbersPublishedIn.name, () => {
  it('refuses what the contracts refuse and what a page would show', () => {
    // The refinement alone: a landline whose number begins with 1, an old card in one piece.
    for (const text of ['请联系010-12345678', '证号110105194912310']) {
      expect(personalNumbersShownIn(text)).toEqual([]);
      expect(personalNumbersPublishedIn(text)).toEqual(personalNumbersIn(text));
    }
    // The page's reading alone: dots, numerals after a name, an invisible character.
    for (const text of ['电话138.0013.8000', '户主张三一三八〇〇一三八〇〇〇', '1\u200b3800138000']) {
      expect(personalNumbersIn(text)).toEqual([]);
      expect(personalNumbersPublishedIn(text)).toEqual(['phone']);
    }
    expect(personalNumbersPublishedIn('受益农户122户，投资138.5万元')).toEqual([]);
  });
});
