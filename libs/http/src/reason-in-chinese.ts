/**
 * What each check of a field says in Chinese, before class-validator's English: a 400 is read by
 * the people who filled the form, and `amountFen must be an integer number` alone told a county
 * clerk nothing. By the check's name, so the words hold for every field; a reason already in
 * Chinese (a rule's own, `身份证号校验位不符 / …`) is left as it is.
 */
const CHINESE_BY_CHECK: Readonly<Record<string, string>> = {
  isString: '须为文本',
  isInt: '须为整数',
  isNumber: '须为数字',
  isBoolean: '须为 true 或 false',
  isArray: '须为列表',
  isObject: '须为对象',
  nestedValidation: '须为对象',
  isLength: '长度不符',
  isPositive: '须为正数',
  isUuid: '须为 UUID',
  isDay: '须为日期（YYYY-MM-DD）',
  isEnum: '须为所列取值之一',
  isIn: '须为所列取值之一',
  min: '小于下限',
  max: '大于上限',
  minLength: '过短',
  maxLength: '过长',
  maxCodePoints: '过长',
  arrayMinSize: '项数过少',
  arrayMaxSize: '项数过多',
  arrayUnique: '不得有重复项',
  arrayNotEmpty: '不能为空',
  isNotEmpty: '不能为空',
  isNotBlank: '不能为空白',
  isDefined: '必填',
  whitelistValidation: '不接受该字段',
  matches: '格式不符',
  isDayNotBefore: '日期早于起始日期',
  noPersonalNumbers: '不得含身份证号或电话号码',
};

const CHINESE = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/**
 * Whether a reason says it in Chinese first: it starts in Chinese (`身份证号校验位不符 / …`), or its
 * first half, before ` / `, holds Chinese (`${stream} 不在 evaluation 存储中 / …` names the stream
 * first). One that only quotes Chinese in English (`property 姓名 should not exist`) does not.
 * Every 400's field reason must (`npm test` notes any other, undocumented-answers.ts).
 */
export function saysItInChinese(reason: string): boolean {
  if (CHINESE.test(reason[0] ?? '')) return true;
  const half = reason.indexOf(' / ');
  return half > 0 && CHINESE.test(reason.slice(0, half));
}

/** `须为整数 / amountFen must be an integer number`: the check's Chinese first; a reason that says it in Chinese first unchanged. */
export function reasonInChinese(check: string, reason: string): string {
  if (saysItInChinese(reason)) return reason;
  return `${CHINESE_BY_CHECK[check] ?? '取值无效'} / ${reason}`;
}

/** A body reader's English refusals (multer's limits and parts, busboy's malformed form), in Chinese. */
const CHINESE_BY_BODY_REFUSAL: readonly (readonly [RegExp, string])[] = [
  [/^Too many fields/i, '表单字段过多'],
  [/^Too many files/i, '文件过多'],
  [/^Too many parts/i, '表单部分过多'],
  [/^Unexpected file field/i, '不接受该文件字段'],
  [/^Field (name|value) too long/i, '表单字段过长'],
  [/^Multipart:|Unexpected end of form/i, '表单格式有误'],
];

/** `表单字段过多 / Too many fields`: a body reader's refusal with its Chinese first; any other, 请求体有误. */
export function bodyRefusalInChinese(message: string): string {
  return `${CHINESE_BY_BODY_REFUSAL.find(([english]) => english.test(message))?.[1] ?? '请求体有误'} / ${message}`;
}
