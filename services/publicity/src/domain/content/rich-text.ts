import { directionControlIn } from '@vanguard/contracts';
import { Rule, checkRule } from '@vanguard/kernel';
import { decodeEntities, sanitizeRichText } from './sanitize';

/**
 * Rich text shows no direction control, however it is written. libs/http's pipe refuses the raw
 * character in any request, but the sanitiser decodes `&#x202e;`, `&#8238;`, `&#X202E;` (and an
 * href's references) into the character itself, which then reached the public honour roll. It is
 * refused, not dropped (ADR 0116, 0124): without it the runs of text either side join into
 * something the writer never saw. Judged on the references decoded once, as a browser reads the
 * stored text, so a story that came in another way (a proposal's deeds) is judged alike.
 */
export class RichTextCarriesNoDirectionControl extends Rule {
  readonly id = 'publicity.rich-text-no-direction-control';
  readonly code = 'CONTENT.DIRECTION_CONTROL';
  readonly kind = 'invalid' as const;
  private readonly control: string | undefined;
  constructor(
    private readonly field: string,
    html: string,
  ) {
    super();
    this.control = directionControlIn(decodeEntities(html));
  }
  get message(): string {
    const code = `U+${(this.control ?? '').codePointAt(0)?.toString(16).toUpperCase() ?? ''}`;
    return (
      `${this.field} 含有文字方向控制符 ${code}，以字符引用（如 &#x202e;）写入亦不可 / ` +
      `${this.field} contains a bidirectional control (${code}), also when written as a character reference, which would reorder how it is shown`
    );
  }
  isBroken(): boolean {
    return this.control !== undefined;
  }
}

/** `html` in its allowlisted form, refused (400 naming `field`) if what it shows would be reordered. */
export function cleanRichText(field: string, html: string): string {
  const clean = sanitizeRichText(html);
  checkRule(new RichTextCarriesNoDirectionControl(field, clean));
  return clean;
}
