import { roundIdOf } from './monthly-review-access';

describe(roundIdOf.name, () => {
  const zone = '00000000-0000-4000-8000-000080000000';

  it('roundIdOf_IsTheNameBasedUuidOfZoneAndMonth_AsAnotherImplementationMakesIt', () => {
    // Python: uuid.uuid5(uuid.UUID('6f1d2c3a-9b7e-4e0f-8a21-5c4d3b2a1908'), f'{zone}/{month}')
    expect(roundIdOf(zone, '2011-05')).toBe('38d8a3e0-943f-5d63-8df6-c8761065f1d6');
    expect(roundIdOf(zone, '2011-06')).toBe('8b07dc16-0878-5ef0-a313-1847b5c9d74a');
  });

  it('roundIdOf_GivesAnotherZonesMonthAnotherRound', () => {
    expect(roundIdOf('00000000-0000-4000-8000-000080000001', '2011-05')).not.toBe(roundIdOf(zone, '2011-05'));
  });
});
