import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { rosterLimits } from '../../src/roster-limits.config';
import { holdImportJobLock } from '../../src/infrastructure/roster/import-leftovers';
import { createOrganizationTestApp } from '../support/organization-test-app';
import { poolOf } from '../support/roster-fixtures';

/**
 * What a crash (or a shutdown past its deadline) leaves behind is cleared when the service
 * starts again: stale upload files are deleted and import jobs stuck `running` become
 * `failed` with a message for the uploader. A job another live process is still running (its
 * lock held) and an upload still being written are left alone.
 */
describe('import leftovers after a crash', () => {
  let first: INestApplication | undefined;
  let second: INestApplication | undefined;
  let live: PoolClient | undefined;
  let uploadDir: string;

  afterAll(async () => {
    live?.release();
    await first?.close();
    await second?.close();
    await rm(uploadDir, { recursive: true, force: true });
  });

  it('deletes stale upload files and fails abandoned running jobs on boot, leaving live ones alone', async () => {
    uploadDir = await mkdtemp(join(tmpdir(), 'vanguard-leftovers-'));
    const limits = { ...rosterLimits({}), uploadDir, uploadIdleMs: 1_000 };
    // The "crashed" process: its jobs are rows left `running`; a live process holds its job's lock.
    first = await createOrganizationTestApp({ roster: limits });
    const pool = poolOf(first);
    const abandoned = randomUUID();
    const running = randomUUID();
    for (const id of [abandoned, running])
      await pool.query(
        `insert into import_jobs (id, kind, format, dry_run, status, bytes_total, actor_sub) values ($1, 'members', 'csv', false, 'running', 10, 'leftover-test')`,
        [id],
      );
    live = await pool.connect();
    await holdImportJobLock(live, running);
    const stale = join(uploadDir, `vanguard-import-${randomUUID()}.csv`);
    const fresh = join(uploadDir, `vanguard-import-${randomUUID()}.csv`);
    const other = join(uploadDir, 'not-ours.txt');
    for (const f of [stale, fresh, other]) await writeFile(f, 'org_code,name\n');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, anHourAgo, anHourAgo);
    await utimes(other, anHourAgo, anHourAgo);

    second = await createOrganizationTestApp({ roster: limits });

    expect((await readdir(uploadDir)).sort()).toEqual([fresh, other].map((f) => f.slice(uploadDir.length + 1)).sort());
    const { rows } = await pool.query<{ id: string; status: string; message: string | null; finished_at: Date | null }>(
      `select id, status, message, finished_at from import_jobs where id = any($1::uuid[])`,
      [[abandoned, running]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(abandoned)).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^服务在导入进行中停止.*upload the file again$/),
    });
    expect(byId.get(abandoned)!.finished_at).not.toBeNull();
    expect(byId.get(running)).toMatchObject({ status: 'running', message: null });
  });
});
