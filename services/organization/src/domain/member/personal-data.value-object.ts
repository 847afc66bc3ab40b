import { DomainError } from '../shared/domain-error';
import { idNumberProblem } from './id-number';

/**
 * A phone as entered: 7–20 digits, an optional leading `+`, single dashes between digits
 * (`0571-88888888-123`). The earlier pattern counted dashes as digits: `1------` passed.
 */
export const PHONE_PATTERN = /^(?=(?:[^0-9]*[0-9]){7,20}[^0-9]*$)\+?[0-9]+(?:-[0-9]+)*$/;
/** Why a phone of the wrong shape is refused, wherever it is entered. */
export const PHONE_PROBLEM =
  '电话号码须为 7–20 位数字，可带开头的 + 和数字间的单个 - / phone must be 7–20 digits, an optional leading + and single dashes between digits';

/**
 * Why a phone is refused, or null: its shape, or an ID number in its place. Eighteen digits pass
 * the shape, and a roster whose ID-number and phone columns were swapped put ID numbers under phone.
 * Only eighteen plain digits are judged (a dash, a `+` or an `X` fails the shape first), and only
 * those an ID number could be: a province's first digit (1–8), a birth date and the check digit.
 * A real phone that long (a landline and extension run together) starts 0 or fails one of them
 * but for about one in 11 × 30 × 100.
 */
export function phoneProblem(phone: string): string | null {
  if (!PHONE_PATTERN.test(phone)) return PHONE_PROBLEM;
  if (/^[1-8]/.test(phone) && idNumberProblem(phone) === null)
    return '电话号码是一个身份证号，请核对是否填错了位置 / the phone is an ID number: check it was not entered in the wrong place';
  return null;
}

/**
 * A member's personal data: ID-card number and phone. Held in clear only in memory;
 * the repository encrypts it at rest and events never carry it.
 */
export class PersonalData {
  private constructor(
    readonly idNumber: string | null,
    readonly phone: string | null,
  ) {}

  /** Personal data as someone enters it, on `today` (YYYY-MM-DD): checked against today's rules. */
  static of(idNumber: string | null | undefined, phone: string | null | undefined, today: string): PersonalData {
    const id = idNumber?.trim().toUpperCase() || null;
    const ph = phone?.trim() || null;
    const idProblem = id === null ? null : idNumberProblem(id, today);
    if (idProblem !== null) throw new DomainError('MEMBER.ID_NUMBER_INVALID', 'rule', idProblem);
    const phProblem = ph === null ? null : phoneProblem(ph);
    if (phProblem !== null) throw new DomainError('MEMBER.PHONE_INVALID', 'rule', phProblem);
    return new PersonalData(id, ph);
  }

  /**
   * Personal data as stored, decrypted: not judged again. A rule added later (the check digit was)
   * must not make a member whose number was taken before it unreadable.
   */
  static restore(idNumber: string | null, phone: string | null): PersonalData {
    return new PersonalData(idNumber, phone);
  }

  static none(): PersonalData {
    return new PersonalData(null, null);
  }

  /** For screens: `1101**********1234`. */
  maskedIdNumber(): string | null {
    return this.idNumber ? `${this.idNumber.slice(0, 4)}${'*'.repeat(10)}${this.idNumber.slice(14)}` : null;
  }

  /**
   * For screens: a mobile as `138****5678`; a shorter number (a landline, 62345678) shows its last
   * four digits only: the mobile's mask on eight digits hid one of them (`623****5678`, a probe).
   */
  maskedPhone(): string | null {
    const p = this.phone;
    if (!p) return null;
    if (p.length >= 11) return `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}`;
    return p.length >= 8 ? `${'*'.repeat(p.length - 4)}${p.slice(-4)}` : '****';
  }
}
