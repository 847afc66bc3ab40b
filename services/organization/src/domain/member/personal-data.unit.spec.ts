import { PersonalData } from './personal-data.value-object';

describe('PersonalData masks', () => {
  const masked = (phone: string) => PersonalData.of(null, phone, '2026-12-06').maskedPhone();

  it('shows a mobile’s first three and last four digits, and a landline’s last four only (a probe: 62345678 showed 7 of 8)', () => {
    expect(masked('13812345678')).toBe('138****5678');
    expect(masked('62345678')).toBe('****5678');
    expect(masked('0471623456')).toBe('******3456');
    expect(masked('1234567')).toBe('****');
  });

  it('shows at most half the digits of a number of eight to ten, and at most seven of a longer one', () => {
    for (let length = 8; length <= 20; length++) {
      const phone = '9'.repeat(length);
      const shown = masked(phone)!.replace(/\*/g, '').length;
      expect({ length, shown: shown <= Math.max(length / 2, 7) }).toEqual({ length, shown: true });
    }
  });
});

describe('PersonalData phones', () => {
  const accepted = (phone: string) => {
    try {
      return PersonalData.of(null, phone, '2026-12-06').phone === phone;
    } catch {
      return false;
    }
  };

  it('takes 7–20 digits with a leading + and single dashes between digits', () => {
    for (const phone of ['1234567', '13800138000', '+8613800138000', '0571-88888888', '0571-88888888-123', '9'.repeat(20)])
      expect([phone, accepted(phone)]).toEqual([phone, true]);
  });

  it('refuses dashes counted as digits, dashes at either end or doubled, and too few or too many digits', () => {
    for (const phone of [
      '1------',
      '123456',
      '9'.repeat(21),
      '-1234567',
      '1234567-',
      '0571--88888888',
      '+-1234567',
      '138 0013 8000',
      '++1234567',
    ])
      expect([phone, accepted(phone)]).toEqual([phone, false]);
  });

  it('refuses an ID number for a phone, saying so', () => {
    expect(() => PersonalData.of(null, '110101198001011013', '2026-12-06')).toThrow(/the phone is an ID number/);
    expect(accepted('110101198001011014')).toBe(true);
    // A date and a check digit right, but no province starts 0: a landline and extension run together.
    expect(accepted('010101198001011028')).toBe(true);
  });
});
