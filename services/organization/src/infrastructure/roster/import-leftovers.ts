import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { privateUploadDir } from '@vanguard/spreadsheet';
import { ROSTER_LIMITS, type RosterLimits } from '../../roster-limits.config';

/**
 * A running import holds a Postgres advisory lock on its own connection for its whole run.
 * Postgres drops it when that session ends, so after a crash or a shutdown past its deadline
 * a `running` job whose lock is free has no process left working on it, on any replica.
 */
const LOCK_KEY = `hashtextextended('vanguard-import-job:' || $1::text, 0)`;

export async function holdImportJobLock(client: PoolClient, jobId: string): Promise<void> {
  await client.query(`select pg_advisory_lock(${LOCK_KEY})`, [jobId]);
}

export async function releaseImportJobLock(client: PoolClient, jobId: string): Promise<void> {
  await client.query(`select pg_advisory_unlock(${LOCK_KEY})`, [jobId]);
}

export const ABANDONED_IMPORT_MESSAGE =
  '服务在导入进行中停止，未导入任何数据，请重新上传 / the service stopped while this import ran; nothing was imported, upload the file again';

/**
 * On boot, clears what a crashed or cut-short process left: upload files in the upload
 * directory and import jobs stuck `running` (or `queued` for over a minute). Files are
 * deleted only once untouched for twice the upload idle limit, so a replica or test sharing
 * the directory keeps the upload it is still writing; jobs only when no session holds their lock.
 */
@Injectable()
export class ImportLeftovers implements OnApplicationBootstrap {
  private readonly logger = new Logger(ImportLeftovers.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(ROSTER_LIMITS) private readonly limits: RosterLimits,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const files = await this.deleteStaleUploads();
    const jobs = await this.failAbandonedJobs();
    if (files || jobs) this.logger.log({ files, jobs }, 'cleared what an earlier process left behind');
  }

  private async deleteStaleUploads(): Promise<number> {
    // Said at boot, not first at an import's 500; and another user's directory is not swept.
    const mine = await privateUploadDir(this.limits.uploadDir).then(
      () => true,
      (e: unknown) => (this.logger.error(e instanceof Error ? e.message : String(e)), false),
    );
    if (!mine) return 0;
    const names = await readdir(this.limits.uploadDir).catch(() => [] as string[]);
    const before = Date.now() - 2 * this.limits.uploadIdleMs;
    let deleted = 0;
    for (const name of names.filter((n) => n.startsWith('vanguard-import-'))) {
      const file = join(this.limits.uploadDir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || info.mtimeMs > before) continue;
      if (
        await unlink(file).then(
          () => true,
          () => false,
        )
      )
        deleted++;
    }
    return deleted;
  }

  private async failAbandonedJobs(): Promise<number> {
    const pool = (this.ds.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let failed = 0;
    try {
      const { rows } = await client.query<{ id: string }>(
        `select id from import_jobs where status = 'running' or (status = 'queued' and created_at < now() - interval '1 minute')`,
      );
      for (const { id } of rows) {
        const { rows: got } = await client.query<{ free: boolean }>(`select pg_try_advisory_lock(${LOCK_KEY}) as free`, [id]);
        if (!got[0]?.free) continue;
        try {
          const res = await client.query(
            `update import_jobs set status = 'failed', rows_imported = 0, message = $2, finished_at = now()
              where id = $1 and status in ('queued', 'running')`,
            [id, ABANDONED_IMPORT_MESSAGE],
          );
          failed += res.rowCount ?? 0;
        } finally {
          await releaseImportJobLock(client, id);
        }
      }
    } finally {
      client.release();
    }
    return failed;
  }
}
