import { waitUntil } from '@vanguard/testing';
import type { AuditedContext } from '../infrastructure/audit-database';
import { CheckpointSchedule } from './checkpoint-schedule';
import type { WitnessCosignatures } from './witness-cosignatures';

/**
 * The growth trigger's decisions, with the log and the published table in memory (the e2e runs it
 * over Postgres): publish past N since the latest published checkpoint — whoever published it —
 * not before, and try again after a failed publication.
 */
describe('CheckpointSchedule, every N events', () => {
  const sizes: Record<AuditedContext, number> = { evaluation: 0, commendation: 0 };
  let published: Record<AuditedContext, number[]>;
  let failNext = false;
  const wakes = new Map<AuditedContext, () => void>();
  const witnesses = {
    latestSize: (c: AuditedContext) => Promise.resolve(Math.max(0, ...published[c])),
    publish: (c: AuditedContext) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('database away'));
      }
      published[c].push(sizes[c]);
      return Promise.resolve();
    },
  } as unknown as WitnessCosignatures;
  const warnings: string[] = [];
  const schedule = new CheckpointSchedule(
    witnesses,
    { intervalMs: 0, everyEvents: 10, growthPollMs: 60_000 },
    { size: (c) => Promise.resolve(sizes[c]) },
    (c, wake) => {
      wakes.set(c, wake);
      return { start: () => undefined, stop: () => Promise.resolve() };
    },
    (m) => warnings.push(m),
  );
  const grow = async (c: AuditedContext, to: number) => {
    sizes[c] = to;
    wakes.get(c)!();
    // The wake-up's look has run once the queue is idle: a no-op wake-up queued behind it resolves after.
    await (schedule as unknown as { running: Promise<void> }).running;
  };

  beforeAll(() => {
    published = { evaluation: [], commendation: [] };
    schedule.onApplicationBootstrap();
  });
  afterAll(() => schedule.onModuleDestroy());

  it('publishes at N, not before, and counts from the latest published checkpoint whoever made it', async () => {
    await grow('evaluation', 9);
    expect(published.evaluation).toEqual([]);
    await grow('evaluation', 12);
    expect(published.evaluation).toEqual([12]);
    await grow('evaluation', 21);
    expect(published.evaluation).toEqual([12]);
    published.evaluation.push(25); // an on-demand checkpoint meanwhile
    await grow('evaluation', 30);
    expect(published.evaluation).toEqual([12, 25]);
    expect(published.commendation).toEqual([]);
  });

  it('tries again at the next look after a publication failed', async () => {
    failNext = true;
    await grow('commendation', 10);
    expect(published.commendation).toEqual([]);
    expect(warnings[0]).toMatch(/commendation after growth not published: database away/);
    wakes.get('commendation')!();
    await waitUntil('the second try', () => published.commendation.length === 1);
    expect(published.commendation).toEqual([10]);
  });
});
