import { sanitizeRichText } from './sanitize';

/** Known XSS payloads (OWASP filter-evasion cheat sheet and friends): none may leave markup that runs. */
export const XSS_PAYLOADS: readonly string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<p onmouseover="alert(1)">hover</p>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<div><p>nest<scr<script>ipt>alert(1)</script></p></div>',
  '<<script>alert(1);//<</script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<img """><script>alert(1)</script>">',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><input type=submit></form>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<base href="javascript:alert(1)//">',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<a href="https://ok.example"/onclick=alert(1)>x</a>',
  '<strong/onclick=alert(1)>x</strong>',
  '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<style>@import "javascript:alert(1)";</style>',
  '<template><script>alert(1)</script></template>',
];

/** What an output may hold as markup: only our own tags, an https/http/mailto href and rel. */
const OWN_TAG =
  /^<\/?(p|br|strong|b|em|i|u|h2|h3|h4|ul|ol|li|blockquote|a)( href="(https?:\/\/|mailto:)[^"<>]*" rel="noopener noreferrer nofollow")?>$/;

function tagsIn(html: string): string[] {
  return html.match(/<[^>]*>/g) ?? [];
}

describe('sanitizeRichText', () => {
  it.each(XSS_PAYLOADS)('leaves nothing that runs from %s', (payload) => {
    const out = sanitizeRichText(payload);
    for (const tag of tagsIn(out)) expect(tag).toMatch(OWN_TAG);
    // Outside our own tags only escaped text is left: no `<`, `>` or quote a browser could read as markup.
    expect(out.replace(/<[^>]*>/g, '')).not.toMatch(/[<>"]/);
    expect(out).not.toMatch(/href="(?!https?:\/\/|mailto:)/i);
    // Idempotent: what was stored sanitises to itself, so a second pass finds nothing to change.
    expect(sanitizeRichText(out)).toBe(out);
  });

  it('keeps the formatting an article needs, and text as text', () => {
    expect(sanitizeRichText('<p>红石村<strong>党支部</strong> 5 &lt; 6 &amp; ok</p><ul><li>一</li></ul>')).toBe(
      '<p>红石村<strong>党支部</strong> 5 &lt; 6 &amp; ok</p><ul><li>一</li></ul>',
    );
  });

  it('keeps a web link with rel, and drops attributes it does not know', () => {
    expect(sanitizeRichText('<a href="https://news.example/a?b=1&amp;c=2" target="_blank" class="x">报道</a>')).toBe(
      '<a href="https://news.example/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">报道</a>',
    );
  });

  it('closes what was left open and ignores stray closing tags', () => {
    expect(sanitizeRichText('<p><em>a</p></li>b')).toBe('<p><em>a</em></p>b');
  });
});
