import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { infraConfig } from '@vanguard/infra-config';
import { COUNTY_INBOUND_TOPIC, contextTopic } from '@vanguard/contracts';
import { SuiteGroups, tokenFor, waitUntil } from '@vanguard/testing';
import { createOrganizationTestApp } from './support/organization-test-app';
import { openDownload, sharedExportVillage, widenImportBudget } from './support/roster-fixtures';

const ROOT = join(__dirname, '../../..');
const DEADLINE_MS = 6_000;
/** The spawned service's groups, its own, set where the shared topics end (not read from their beginning). */
const groups = new SuiteGroups(`shutdown-${process.pid}-${Date.now()}.`, {
  'organization.county-inbound': [COUNTY_INBOUND_TOPIC],
  'organization.county-decisions': [contextTopic('evaluation'), contextTopic('commendation'), contextTopic('organization')],
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The real service as operators run it (its own process, main.ts), against the test database. */
function startService(port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/organization/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: infraConfig().testDatabaseUrl,
      PORT: String(port),
      ORGANIZATION_RELAY: 'off',
      ORGANIZATION_SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS),
      // Its consumers in groups of its own, not those of a suite's services running beside it.
      KAFKA_GROUP_PREFIX: groups.prefix,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('organization service shutdown', () => {
  let village: { id: string };
  let token: string;

  afterAll(() => groups.remove());

  beforeAll(async () => {
    widenImportBudget();
    const app = await createOrganizationTestApp();
    try {
      token = await tokenFor('county.organizer');
      village = await sharedExportVillage(app, token);
    } finally {
      await app.close();
    }
  }, 300_000);

  it('on SIGTERM with a download held open, ends the download and exits 0 within its deadline', async () => {
    const port = await freePort();
    await groups.startAtTopicEnds();
    const service = startService(port);
    try {
      // As long as the county suite's services get: a loaded CI machine boots a service slowly.
      await waitUntil(
        'the service to be ready',
        async () => (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5000) })).status === 200,
        { timeoutMs: 150_000, intervalMs: 250 },
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${service.output().slice(-3000)}`, { cause: e });
      });
      const held = await openDownload(port, `/exports/members?format=csv&subtreeOf=${village.id}`, token);
      expect(held.status).toBe(200);
      const cut = new Promise<void>((r) => held.response.socket.once('close', () => r()));
      const t0 = Date.now();

      service.child.kill('SIGTERM');
      const code = await Promise.race([
        service.exited,
        new Promise<'still running'>((r) => setTimeout(() => r('still running'), DEADLINE_MS + 5_000).unref()),
      ]);

      expect({ code, log: code === 0 ? '' : service.output().slice(-3000) }).toEqual({ code: 0, log: '' });
      // Exit 0 is the proof the shutdown beat its deadline (the deadline's timer exits 1); the
      // clock here also counts the signal's delivery and the process's own teardown, which a
      // loaded machine stretches past the deadline by a few hundred ms.
      expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 1_000);
      // The held download was ended by the server, not by us: reading on meets the end of a cut body.
      held.response.on('error', () => undefined).resume();
      await cut;
    } finally {
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
    }
  }, 200_000);
});
