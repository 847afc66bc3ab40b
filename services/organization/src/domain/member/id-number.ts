/**
 * A resident ID-card number (公民身份号码, GB 11643-1999): six digits of region, the birth date as
 * YYYYMMDD, a three-digit sequence, and a check digit over the seventeen before it (ISO 7064
 * MOD 11-2, `X` for ten). The check digit is what catches the usual mistake, one digit mistyped or
 * two swapped, before a wrong number is stored encrypted where nobody can read it back to spot it.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_DIGITS = '10X98765432';

/** The check digit GB 11643 gives the first seventeen digits. */
export function idNumberCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_DIGITS[sum % 11]!;
}

/**
 * Why `value` (upper-cased) is not an ID number, in Chinese and English, or null when it is one.
 * With `today` (YYYY-MM-DD), a birth date after it is refused too; the request's check has no
 * clock of the domain's and leaves that to the domain. The expected check digit is not named: a
 * mistyped digit elsewhere changes it, and naming it would invite "correcting" the last digit
 * instead of the one mistyped.
 */
export function idNumberProblem(value: string, today?: string): string | null {
  if (!/^[0-9]{17}[0-9X]$/.test(value)) return '身份证号须为 18 位：17 位数字加 1 位数字或 X / an ID number is 17 digits and a digit or X';
  if (!isBirthDate(value.slice(6, 14)))
    return '身份证号第 7–14 位须为出生日期 YYYYMMDD / characters 7–14 of an ID number must be a birth date YYYYMMDD';
  if (today !== undefined && value.slice(6, 14) > today.replace(/-/g, ''))
    return '身份证号中的出生日期晚于今天 / the birth date in the ID number is after today';
  if (idNumberCheckDigit(value) !== value[17])
    return '身份证号校验位不符，请核对各位数字 / the ID number’s check digit does not match: a digit is mistyped';
  return null;
}

function isBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
