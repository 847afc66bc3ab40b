import { BusinessRuleViolation } from '@vanguard/kernel';
import { RichTextCarriesNoDirectionControl, cleanRichText } from './rich-text';
import { sanitizeRichText, shownTextOf } from './sanitize';

const refusalOf = (f: () => unknown): BusinessRuleViolation => {
  try {
    f();
  } catch (e) {
    if (e instanceof BusinessRuleViolation) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe(RichTextCarriesNoDirectionControl.name, () => {
  // What the sanitiser makes of each spelling: the character itself, which no pipe ever saw.
  it.each([
    ['a hexadecimal reference', '<p>张三&#x202e;四李</p>', '<p>张三\u202e四李</p>'],
    ['a decimal reference', '<p>张三&#8238;四李</p>', '<p>张三\u202e四李</p>'],
    ['an upper-case X and no semicolon', '<p>张三&#X202E四李</p>', '<p>张三\u202e四李</p>'],
    ['leading zeros', '<p>张三&#x000202e;四李</p>', '<p>张三\u202e四李</p>'],
    [
      'a reference in a link’s address',
      '<a href="https://news.example/&#x202e;fdp.exe">x</a>',
      '<a href="https://news.example/\u202efdp.exe" rel="noopener noreferrer nofollow">x</a>',
    ],
    [
      'the raw character in a link’s address (kept by the sanitiser; the pipe refuses it over HTTP)',
      '<a href="https://news.example/\u202efdp.exe">x</a>',
      '<a href="https://news.example/\u202efdp.exe" rel="noopener noreferrer nofollow">x</a>',
    ],
  ])('WhenWrittenAs %s_TheSanitiserDecodesItAndTheRuleRefusesIt', (_what, html, sanitised) => {
    expect(sanitizeRichText(html)).toBe(sanitised);
    const refusal = refusalOf(() => cleanRichText('story', html));
    expect(refusal.code).toBe('CONTENT.DIRECTION_CONTROL');
    expect(refusal.message).toMatch(/^story .*U\+202E.* \/ story contains a bidirectional control \(U\+202E\)/);
  });

  it('WhenTheControlSitsInAnAttributeTheSanitiserDrops_NothingIsRefused', () => {
    // The raw character never arrives (libs/http's pipe refuses it); a reference in a dropped attribute is dropped with it.
    expect(cleanRichText('body', '<p title="&#x202e;" class="\u202e">正文</p>')).toBe('<p>正文</p>');
  });

  it('WhenTheReferenceIsEscaped_ItIsShownAsTextAndTaken', () => {
    // `&amp;#x202e;` reads as the characters "&#x202e;": a browser decodes once.
    const clean = cleanRichText('body', '<p>写作 &amp;#x202e; 即可</p>');
    expect(shownTextOf(clean)).toBe('写作 &#x202e; 即可');
  });

  it('refuses every embedding, override and isolate, and keeps the marks', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069])
      expect(refusalOf(() => cleanRichText('body', `<p>a&#${cp};b</p>`)).code).toBe('CONTENT.DIRECTION_CONTROL');
    expect(cleanRichText('body', '<p>a&#x200e;b&#x200f;c&#x61c;</p>')).toBe('<p>a\u200eb\u200fc\u061c</p>');
  });
});
