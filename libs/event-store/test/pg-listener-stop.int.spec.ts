import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { PgListener } from '../src/pg-listener';

// Services start a listener at boot and stop it at shutdown, sometimes a moment apart (a test
// app closed right after init, a shutdown during start-up): stop() must return wherever it lands.
describe('PgListener stop (real Postgres)', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema('listener_stop');
  });
  afterAll(() => db?.drop());

  const within = <T>(p: Promise<T>, ms: number) =>
    Promise.race([p.then(() => 'returned'), new Promise<string>((r) => setTimeout(() => r(`still waiting after ${ms} ms`), ms).unref())]);

  it('WhenStoppedAtAnyPointOfItsFirstConnect_StopReturns', async () => {
    // Gap 0 stops while the connection is still being opened, the later ones after it listens.
    const gaps = [0, 0, 1, 2, 3, 5, 8, 13, 21, 34];
    const outcomes: string[] = [];
    for (const gap of gaps) {
      const listener = new PgListener(db.pool, { channel: 'listener_stop', onNotification: () => undefined });
      listener.start();
      if (gap) await new Promise((r) => setTimeout(r, gap));
      outcomes.push(`gap ${gap} ms: ${await within(listener.stop(), 5_000)}`);
      expect(listener.listening).toBe(false);
    }
    expect(outcomes).toEqual(gaps.map((gap) => `gap ${gap} ms: returned`));
  });
});
