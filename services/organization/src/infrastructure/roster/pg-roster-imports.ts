import { randomUUID } from 'node:crypto';
import { stat, unlink } from 'node:fs/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { CommitRolledBackError } from '@vanguard/messaging';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { ImportJobView, RosterImports, StartImport } from '../../application/ports/roster.port';
import { headerProblems, RosterHeaderRefusedError } from '../../application/roster/roster-format';
import { idNumberCheckLimits } from '../../application/roster/id-number-checks';
import { rosterLimits, ROSTER_LIMITS, type RosterLimits } from '../../roster-limits.config';
import { holdImportJobLock, releaseImportJobLock } from './import-leftovers';
import { openRoster, RosterRefusedError, type RosterSource } from './roster-reader';
import { importFailureMessage } from './import-failure';
import { errorReporter, findJob, insertQueuedJob, runningJob, saveJobProgress, type JobState } from './import-jobs';
import { loadSubtree, type ImportRun } from './import-run';
import { MemberImport } from './member-import';
import { OrganizationImport } from './organization-import';
import { PgIdNumberChecks } from './pg-id-number-checks';

/**
 * Streams a roster file row by row: each row is checked on its own, then against the
 * caller's subtree (codes must exist and lie inside it) and against duplicates (in the
 * file and already stored). Valid rows are written in multi-row batches inside ONE
 * transaction with their events in the outbox; at the first bad row writing stops,
 * checking goes on, and the transaction is rolled back at the end (all-or-nothing).
 * Memory stays flat: the current batch, the subtree's code → id map and 8 bytes per
 * distinct ID number.
 */
@Injectable()
export class PgRosterImports implements RosterImports {
  private readonly logger = new Logger(PgRosterImports.name);

  private readonly idChecks: PgIdNumberChecks;
  private readonly members: MemberImport;
  private readonly organizations: OrganizationImport;

  constructor(
    private readonly ds: DataSource,
    @Inject(PERSONAL_DATA_CIPHER) cipher: PersonalDataCipher,
    @Inject(CLOCK) clock: Clock,
    @Optional() @Inject(ROSTER_LIMITS) private readonly limits: RosterLimits = rosterLimits(),
  ) {
    this.idChecks = new PgIdNumberChecks(() => this.pool, idNumberCheckLimits());
    this.members = new MemberImport(cipher, clock, this.idChecks);
    this.organizations = new OrganizationImport(clock);
  }

  private get pool(): Pool {
    return (this.ds.driver as unknown as { master: Pool }).master;
  }

  async start(input: StartImport): Promise<ImportJobView> {
    await this.refuseAHeaderOfAnotherFormat(input);
    const id = await this.createJob(input);
    void this.run(id, input, true).catch((e: unknown) => this.logger.error({ err: e, jobId: id }, 'import job crashed'));
    return (await this.find(id))!;
  }

  async runToEnd(input: StartImport): Promise<ImportJobView> {
    // Scripts and benchmarks, not reachable over HTTP: recorded, but not held to a user's budget.
    const id = await this.createJob(input, false);
    await this.run(id, input, false);
    return (await this.find(id))!;
  }

  /**
   * The header alone, read before a job exists or an ID-number check is counted: one that lacks a
   * column or names one the format does not know is refused at once (RosterHeaderRefusedError,
   * answered 422 with each column). A file that cannot be read that far is left to the job, which
   * reports it with its row as before.
   */
  private async refuseAHeaderOfAnotherFormat(input: StartImport): Promise<void> {
    let source: RosterSource;
    try {
      source = await openRoster(input.file, input.format, this.limits, input.lease?.signal, { refuseFormulas: true });
    } catch (e) {
      if (e instanceof RosterRefusedError) return;
      throw e;
    }
    try {
      const problems = headerProblems(input.kind, source);
      if (problems.length) throw new RosterHeaderRefusedError(problems);
    } finally {
      await source.close();
    }
  }

  find(id: string): Promise<ImportJobView | null> {
    return findJob(this.pool, id);
  }

  private async createJob(input: StartImport, budgeted = true): Promise<string> {
    const id = randomUUID();
    // A member import checks ID numbers: within the caller's budget, and on the record (ADR 0011).
    if (input.kind === 'members') await this.idChecks.open(id, input.actor, input.dryRun, budgeted);
    const { size } = await stat(input.file);
    await insertQueuedJob(this.pool, id, input, size);
    return id;
  }

  /**
   * The job's last word, on every path. What was checked is on the record already (reserved
   * batch by batch); the record's end (what matched elsewhere) is written before the job shows
   * as finished, so whoever sees the job done sees its record closed. The caller's lease is given
   * back as soon as the job shows as finished, before the clean-up: a user who saw it done and
   * started the next import at once was refused 429 (one import per user) while the file and the
   * job's lock were still being let go. The `finally` gives it back on a path that never got here.
   */
  private async finish(state: JobState, input: StartImport): Promise<void> {
    if (input.kind === 'members') await this.idChecks.close(state.id, state.matchedElsewhere).catch(() => undefined);
    await saveJobProgress(this.pool, state, true);
    input.lease?.release();
  }

  private async run(id: string, input: StartImport, budgeted: boolean): Promise<void> {
    const state = runningJob(id, budgeted);
    const report = errorReporter(state);
    let client: PoolClient | undefined;
    let opened: RosterSource | undefined;
    try {
      // Held for the whole run: once this session is gone, a restart knows the job was abandoned (ImportLeftovers).
      client = await this.pool.connect();
      await holdImportJobLock(client, id);
      await saveJobProgress(this.pool, state);
      const source = (opened = await openRoster(input.file, input.format, this.limits, input.lease?.signal, { refuseFormulas: true }));
      state.bytesTotal = source.bytesTotal;
      // Checked before the job too (start); scripts and benchmarks come straight here.
      const problems = headerProblems(input.kind, source);
      if (problems.length) {
        report(problems.map((p) => ({ row: 1, ...p })));
        state.status = 'rejected';
        state.message = '表头不符合花名册格式 / the header does not match the roster format';
        await this.finish(state, input);
        return;
      }
      const orgs = await loadSubtree(this.pool, input.actor);
      if (!input.dryRun) await client.query('begin');
      let lastSaved = Date.now();
      const tick = async () => {
        state.bytesRead = source.bytesRead();
        if (Date.now() - lastSaved > 500) {
          lastSaved = Date.now();
          await saveJobProgress(this.pool, state);
        }
      };
      const run: ImportRun = { input, client, state, orgs, report, tick };
      await (input.kind === 'members' ? this.members : this.organizations).run(source.records, run);
      state.bytesRead = source.bytesRead();
      if (state.rowsProcessed === 0) {
        // Nothing under the header is nothing imported, not a success: a file whose line breaks the
        // reader did not see read as a header alone, and its dry run "passed".
        if (!input.dryRun) await client.query('rollback');
        state.status = 'rejected';
        state.message = '文件在表头之下没有数据行，未导入任何数据 / the file has no rows under its header: nothing was imported';
      } else if (input.dryRun) {
        state.status = state.errorCount ? 'rejected' : 'succeeded';
        state.message = state.errorCount
          ? '试导入发现错误行 / dry run found bad rows'
          : '试导入通过 / dry run passed: every row can be imported';
      } else if (state.errorCount) {
        await client.query('rollback');
        state.rowsImported = 0;
        state.status = 'rejected';
        state.message = '存在错误行，未导入任何数据 / bad rows found: nothing was imported';
      } else {
        // Postgres answers COMMIT of an aborted transaction (a statement failed and was caught) with
        // ROLLBACK and raises nothing: without this the job would say "imported" with nothing stored.
        const done = await client.query('commit');
        if (done.command !== 'COMMIT') throw new CommitRolledBackError();
        state.status = 'succeeded';
        state.message = `已导入 ${state.rowsImported} 行 / imported ${state.rowsImported} rows`;
      }
      await this.finish(state, input);
    } catch (e) {
      if (client && !input.dryRun) await client.query('rollback').catch(() => undefined);
      if (e instanceof RosterRefusedError) {
        // Past a limit or not a well-formed file: the uploader's mistake, said in our own words.
        state.status = 'rejected';
        state.rowsImported = 0;
        state.errorCount += 1;
        state.errors.push({ row: e.row, column: e.column ?? '', reason: e.message });
        state.message = `文件被拒绝，未导入任何数据 / the file was refused, nothing was imported: ${e.message}`;
        await this.finish(state, input).catch(() => undefined);
        return;
      }
      state.status = 'failed';
      state.rowsImported = 0;
      state.message = importFailureMessage(e, id);
      this.logger.error({ err: e, jobId: id }, 'import failed');
      await this.finish(state, input).catch(() => undefined);
    } finally {
      await opened?.close().catch(() => undefined);
      if (client)
        await releaseImportJobLock(client, id).then(
          () => client!.release(),
          (e: Error) => client!.release(e),
        );
      await unlink(input.file).catch(() => undefined);
      input.lease?.release();
    }
  }
}
