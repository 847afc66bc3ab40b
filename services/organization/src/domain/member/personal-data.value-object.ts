import { DomainError } from '../shared/domain-error';

/**
 * A member's personal data: ID-card number and phone. Held in clear only in memory;
 * the repository encrypts it at rest and events never carry it.
 */
export class PersonalData {
  private constructor(
    readonly idNumber: string | null,
    readonly phone: string | null,
  ) {}

  static of(idNumber: string | null | undefined, phone: string | null | undefined): PersonalData {
    const id = idNumber?.trim().toUpperCase() || null;
    const ph = phone?.trim() || null;
    if (id !== null && !PersonalData.isIdNumber(id)) {
      throw new DomainError(
        'MEMBER.ID_NUMBER_INVALID',
        'rule',
        '身份证号须为 18 位（末位可为 X）/ ID number must be 18 characters, the last a digit or X',
      );
    }
    if (ph !== null && !/^\+?[0-9][0-9-]{6,19}$/.test(ph)) {
      throw new DomainError('MEMBER.PHONE_INVALID', 'rule', '电话号码格式不正确 / phone number is malformed');
    }
    return new PersonalData(id, ph);
  }

  static none(): PersonalData {
    return new PersonalData(null, null);
  }

  static isIdNumber(value: string): boolean {
    return /^[0-9]{17}[0-9X]$/.test(value);
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
