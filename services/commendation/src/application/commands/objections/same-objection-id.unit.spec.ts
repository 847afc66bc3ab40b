import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sameObjectionId } from './file-objection.handler';

describe(sameObjectionId.name, () => {
  const programme = randomUUID();
  const nomination = randomUUID();

  it('WhenOnlyTheSpacingDiffers_IsTheSameId_AndAUuidEveryContractTakes', () => {
    const id = sameObjectionId(programme, 1, nomination, '所述事迹 与实际不符');
    expect(sameObjectionId(programme, 1, nomination, '  所述事迹\n\t与实际不符 ')).toBe(id);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('WhenTheRoundTheNominationTheProgrammeOrTheWordsDiffer_IsAnotherId', () => {
    const id = sameObjectionId(programme, 1, nomination, '所述事迹与实际不符');
    expect(
      new Set([
        id,
        sameObjectionId(programme, 2, nomination, '所述事迹与实际不符'),
        sameObjectionId(programme, 1, randomUUID(), '所述事迹与实际不符'),
        sameObjectionId(randomUUID(), 1, nomination, '所述事迹与实际不符'),
        sameObjectionId(programme, 1, nomination, '所述事迹与实际相符'),
      ]).size,
    ).toBe(5);
  });
});
