import { seededRandom } from '@vanguard/testing';
import type { RecordedEvent } from '../types';
import { applyOrPark, isUnstorable, parkReason } from './parked-events';
import type { ReadModel } from './read-model';

const event = (i: number) => ({ eventId: `e${i}`, streamId: `s-${i}`, type: 'test.Step' }) as unknown as RecordedEvent;
const refusal = (code: string) => Object.assign(new Error(`refused with ${code}`), { code });

/**
 * A read model as Postgres treats one: a page is all or nothing, and an event it holds a refusal
 * for refuses the whole page. `transient` events fail once with a retryable code, then apply.
 */
function table(refusals: Map<string, string>, transient = new Set<string>()) {
  const stored = new Set<string>();
  const readModel: ReadModel = {
    apply: () => Promise.reject(new Error('pages only')),
    applyBatch: (page) => {
      for (const e of page) {
        const code = refusals.get(e.eventId);
        if (code) return Promise.reject(refusal(code));
        if (transient.delete(e.eventId)) return Promise.reject(refusal('40P01'));
      }
      for (const e of page) stored.add(e.eventId);
      return Promise.resolve();
    },
  };
  return { readModel, stored };
}

describe(applyOrPark.name, () => {
  it('WhenNothingIsRefused_AppliesThePageOnceAndParksNothing', async () => {
    const { readModel, stored } = table(new Map());
    const parked: string[] = [];
    await applyOrPark(readModel, [event(1), event(2)], (e) => Promise.resolve(void parked.push(e.eventId)));
    expect([...stored]).toEqual(['e1', 'e2']);
    expect(parked).toEqual([]);
  });

  it('WhenTheDatabaseRefusesEventsForTheirValues_ParksExactlyThoseAndAppliesTheRest_OverRandomPages', async () => {
    const storable = ['22008', '22P05', '22001', '22003', '22007', '22021', '54000'];
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const page = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) => event(i));
      const refusals = new Map(
        page.filter(() => random() < 0.2).map((e) => [e.eventId, storable[Math.floor(random() * storable.length)]!] as const),
      );
      const { readModel, stored } = table(refusals);
      const parked: { id: string; code: string }[] = [];
      await applyOrPark(readModel, page, (e, reason) => Promise.resolve(void parked.push({ id: e.eventId, code: reason.code })));
      expect(parked).toEqual(page.filter((e) => refusals.has(e.eventId)).map((e) => ({ id: e.eventId, code: refusals.get(e.eventId) })));
      expect([...stored].sort()).toEqual(
        page
          .filter((e) => !refusals.has(e.eventId))
          .map((e) => e.eventId)
          .sort(),
      );
    }
  });

  it.each(['40P01', '08006', '42P01', '23503', '23505', '23514', '22P02', '57P01', 'XX000'])(
    'WhenTheRefusalIsNotAboutTheValues_%s_ThrowsForThePageToComeAgainAndParksNothing',
    async (code) => {
      const { readModel } = table(new Map([['e2', code]]));
      const parked: string[] = [];
      await expect(
        applyOrPark(readModel, [event(1), event(2), event(3)], (e) => Promise.resolve(void parked.push(e.eventId))),
      ).rejects.toMatchObject({
        code,
      });
      expect(parked).toEqual([]);
    },
  );

  it('WhenATransientFailureMeetsTheOneByOnePass_ThrowsRatherThanParkAGoodEvent', async () => {
    // e1 cannot be stored; e3 fails once for a deadlock while the page is gone through one by one.
    const { readModel, stored } = table(new Map([['e1', '22008']]), new Set(['e3']));
    const parked: string[] = [];
    const park = (e: RecordedEvent) => Promise.resolve(void parked.push(e.eventId));
    const page = [event(1), event(2), event(3), event(4)];
    await expect(applyOrPark(readModel, page, park)).rejects.toMatchObject({ code: '40P01' });
    expect(parked).toEqual(['e1']);
    await applyOrPark(readModel, page, park);
    expect(parked).toEqual(['e1', 'e1']);
    expect([...stored].sort()).toEqual(['e2', 'e3', 'e4']);
  });

  it('WhenEachTryRunsUnderAnAttempt_EveryTryGoesThroughIt', async () => {
    const { readModel } = table(new Map([['e2', '22008']]));
    let tries = 0;
    await applyOrPark(
      readModel,
      [event(1), event(2), event(3)],
      () => Promise.resolve(),
      async (work) => {
        tries++;
        await work();
      },
    );
    expect(tries).toBe(4);
  });
});

describe(isUnstorable.name, () => {
  it('WhenACodeSaysTheValuesCannotBeStored_IsTrue_OtherwiseFalse', () => {
    expect(['22001', '22003', '22007', '22008', '22021', '22P05', '54000'].filter((c) => isUnstorable(refusal(c)))).toHaveLength(7);
    expect(
      [
        '22P02',
        '23502',
        '23505',
        '23514',
        '23503',
        '40001',
        '40P01',
        '42P01',
        '53300',
        '55P03',
        '57014',
        '08006',
        'XX000',
        '22',
        '',
      ].filter((c) => isUnstorable(refusal(c))),
    ).toEqual([]);
    expect([new TypeError('x'), null, undefined, 'text'].some(isUnstorable)).toBe(false);
  });
});

describe(parkReason.name, () => {
  it('WhenTheMessageIsLong_KeepsItsCodeAndCutsTheMessage', () => {
    const r = parkReason(Object.assign(new Error('x'.repeat(500)), { code: '22001' }));
    expect(r.code).toBe('22001');
    expect(r.message.length).toBeLessThanOrEqual(121);
  });

  it.each([
    ['22007', 'invalid input syntax for type timestamp with time zone: "张三 110101199003077777"'],
    ['22003', 'value "110101199003077777" is out of range for type bigint'],
    ['22001', 'value too long for type character varying(4): "张三 110101199003077777 and more'],
  ])('WhenTheDatabaseQuotesTheValue_%s_KeepsNothingOfIt', (code, text) => {
    const r = parkReason(Object.assign(new Error(text), { code }));
    expect(r.code).toBe(code);
    expect(r.message).not.toMatch(/张三|1101/);
    expect(r.message).toContain('"…"');
  });
});
