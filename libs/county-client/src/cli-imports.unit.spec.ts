import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

// Every `npm run county` pays for what the CLI loads: through the messaging and auth indexes that
// was Nest, typeorm and the event store, 0.9 s of each start for nothing (the witness and every
// suite that spawns the CLI paid it too). It imports their light entry points instead.
describe('what the county CLI loads', () => {
  it('WhenTheCliAndItsCommandsAreLoaded_NoServerFrameworkOrDatabaseLayerIsAmongThem', async () => {
    const probe = `require(${JSON.stringify(path.join(__dirname, 'cli.ts'))}); require(${JSON.stringify(path.join(__dirname, 'county-follow.ts'))});
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const { stdout } = await run(process.execPath, ['-r', '@swc-node/register', '-e', probe], { cwd: ROOT });
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded.some((f) => f.endsWith(path.join('libs', 'county-client', 'src', 'county-decision-check.ts')))).toBe(true);
    const heavy = loaded.filter((f) =>
      /node_modules[\\/](@nestjs[\\/]core|@nestjs[\\/]common|typeorm|pg)[\\/]|libs[\\/](event-store|messaging[\\/]src[\\/](outbox|inbox|relay))[\\/]/.test(
        f,
      ),
    );
    expect(heavy).toEqual([]);
  });
});
