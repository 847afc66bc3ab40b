// eslint-disable-next-line @nx/enforce-module-boundaries -- the spec migrates exactly as `npm run migrate` does
import { migrate } from '../../../scripts/migrate';

// scripts/migrate.ts run side by side on one database, as two test processes or a service started
// during `npm run migrate` do: every run must succeed (they once failed with "tuple concurrently
// updated" when their GRANTs and ALTER ROLEs met on the same catalog rows).
describe('migrate, side by side', () => {
  it('WhenThreeRunsStartAtOnce_EverySucceeds', async () => {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true; // each run prints a line per schema
    try {
      const runs = await Promise.allSettled([migrate('test'), migrate('test'), migrate('test')]);
      const failures = runs.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
      expect(failures).toEqual([]);
    } finally {
      process.stdout.write = write;
    }
  }, 120_000);
});
