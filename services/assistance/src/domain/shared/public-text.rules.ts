import { personalNumbersShownIn } from '@vanguard/contracts';
import { Rule, isBlankText } from '@vanguard/kernel';

/**
 * 公开: a project's name and its milestones' titles are on the village's public page, read without
 * a token, so they may not carry an ID-card or phone number (a person's name cannot be told from
 * a place's; whoever writes the plan answers for that).
 */
export class PublishedTextCarriesNoPersonalNumbers extends Rule {
  readonly id = 'published-text-no-personal-numbers';
  readonly code = 'TEXT.PERSONAL_NUMBERS';
  readonly kind = 'invalid' as const;
  readonly message: string;
  constructor(
    field: string,
    private readonly text: string,
  ) {
    super();
    this.message = `${field} 将公开，不得含身份证号或电话号码 / ${field} is published and must not carry an ID-card or phone number`;
  }
  isBroken(): boolean {
    return personalNumbersShownIn(this.text).length > 0;
  }
}

/** A name or a title says something: blank text (spaces, or characters that show as nothing) is refused as an empty one is. */
export class TextMustNotBeBlank extends Rule {
  readonly id = 'text-not-blank';
  readonly code = 'TEXT.BLANK';
  readonly kind = 'invalid' as const;
  readonly message: string;
  constructor(
    field: string,
    private readonly text: string,
  ) {
    super();
    this.message = `${field} 不能为空白 / ${field} must not be blank`;
  }
  isBroken(): boolean {
    return isBlankText(this.text);
  }
}
