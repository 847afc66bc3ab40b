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
    // Files untouched for over twice the idle window are stale. The window is far longer than
    // booting an app can take on a loaded machine, so which file counts as fresh does not
    // depend on how fast the second app starts; the files' ages sit either side of the limit.
    const idleMs = 10 * 60_000;
    const limits = { ...rosterLimits({}), uploadDir, uploadIdleMs: idleMs };
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
    const justStale = join(uploadDir, `vanguard-import-${randomUUID()}.csv`);
    const idleALittle = join(uploadDir, `vanguard-import-${randomUUID()}.csv`);
    const fresh = join(uploadDir, `vanguard-import-${randomUUID()}.csv`);
    const other = join(uploadDir, 'not-ours.txt');
    for (const f of [stale, justStale, idleALittle, fresh, other]) await writeFile(f, 'org_code,name\n');
    const ago = (ms: number) => new Date(Date.now() - ms);
    await utimes(stale, ago(3_600_000), ago(3_600_000));
    await utimes(other, ago(3_600_000), ago(3_600_000));
    await utimes(justStale, ago(2.5 * idleMs), ago(2.5 * idleMs));
    await utimes(idleALittle, ago(1.5 * idleMs), ago(1.5 * idleMs));

    second = await createOrganizationTestApp({ roster: limits });

    const kept = [idleALittle, fresh, other].map((f) => f.slice(uploadDir.length + 1));
    expect((await readdir(uploadDir)).sort()).toEqual(kept.sort());
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
