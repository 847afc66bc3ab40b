import { PersonalData } from './personal-data.value-object';

describe('PersonalData masks', () => {
  const masked = (phone: string) => PersonalData.of(null, phone).maskedPhone();

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
