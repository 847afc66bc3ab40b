import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { MemberJoined, OrganizationRegistered, type EventEnvelope } from '@vanguard/contracts';
import { CommitRolledBackError } from '@vanguard/messaging';
import type { Actor } from '../../application/ports/actor';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { ImportJobStatus, ImportJobView, RosterImports, StartImport } from '../../application/ports/roster.port';
import { columnsOf, type RowError } from '../../application/roster/roster-format';
import { parseMemberRow, parseOrganizationRow, type MemberRow, type OrganizationRow } from '../../application/roster/roster-row.validator';
import { answerForDuplicate, idNumberCheckLimits, IdNumberChecksExhaustedError } from '../../application/roster/id-number-checks';
import { ChildLevelMustBeBelowParentLevelRule } from '../../domain/organization/rules/child-level-must-be-below-parent-level.rule';
import type { OrgLevel } from '../../domain/organization/organization.vocabulary';
import { writeOutboxBatch } from '../outbox/bulk-outbox';
import { organizationEnvelope } from '../outbox/organization-envelope';
import { uuidv7 } from '../system/uuid-v7';
import { rosterLimits, ROSTER_LIMITS, type RosterLimits } from '../../roster-limits.config';
import { holdImportJobLock, releaseImportJobLock } from './import-leftovers';
import { openRoster, RosterRefusedError } from './roster-reader';
import { importFailureMessage } from './import-failure';
import { lockImportTargets } from './import-target-locks';
import { PgIdNumberChecks, type HeldRow } from './pg-id-number-checks';

const BATCH = 5_000;
const MAX_REPORTED_ERRORS = 1_000;
const ID_CHECKS_USED_UP =
  '本时段身份证号核验额度已用完，已报上级组织 / the ID-number checks of this window are used up; the organisation above yours has been told';

interface OrgRef {
  id: string;
  path: string;
  level: OrgLevel;
  active: boolean;
}

interface JobState {
  id: string;
  status: ImportJobStatus;
  bytesRead: number;
  bytesTotal: number;
  rowsProcessed: number;
  rowsImported: number;
  errorCount: number;
  errors: RowError[];
  message: string | null;
  /** Held to the caller's ID-number budget (HTTP), or only recorded (scripts). */
  budgeted: boolean;
  /** ID numbers that matched a member outside the caller's subtree, for the record. */
  matchedElsewhere: number;
}

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

  constructor(
    private readonly ds: DataSource,
    @Inject(PERSONAL_DATA_CIPHER) private readonly cipher: PersonalDataCipher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(ROSTER_LIMITS) private readonly limits: RosterLimits = rosterLimits(),
  ) {}

  private get pool(): Pool {
    return (this.ds.driver as unknown as { master: Pool }).master;
  }

  private readonly idChecks = new PgIdNumberChecks(() => this.pool, idNumberCheckLimits());

  async start(input: StartImport): Promise<ImportJobView> {
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

  async find(id: string): Promise<ImportJobView | null> {
    const { rows } = await this.pool.query(
      `select id, kind, format, dry_run, status, bytes_total, bytes_read, rows_processed, rows_imported, error_count, errors, message, actor_org_id, created_at, finished_at
         from import_jobs where id = $1`,
      [id],
    );
    const r = rows[0] as Record<string, unknown> | undefined;
    if (!r) return null;
    const total = Number(r['bytes_total']);
    const done = r['status'] === 'succeeded' || r['status'] === 'rejected';
    return {
      id: r['id'] as string,
      kind: r['kind'] as ImportJobView['kind'],
      format: r['format'] as ImportJobView['format'],
      dryRun: r['dry_run'] as boolean,
      status: r['status'] as ImportJobStatus,
      progress: done ? 100 : total > 0 ? Math.min(99, Math.floor((Number(r['bytes_read']) / total) * 100)) : 0,
      rowsProcessed: r['rows_processed'] as number,
      rowsImported: r['rows_imported'] as number,
      errorCount: r['error_count'] as number,
      errors: r['errors'] as RowError[],
      message: (r['message'] as string | null) ?? null,
      actorOrgId: (r['actor_org_id'] as string | null) ?? null,
      createdAt: (r['created_at'] as Date).toISOString(),
      finishedAt: r['finished_at'] ? (r['finished_at'] as Date).toISOString() : null,
    };
  }

  private async createJob(input: StartImport, budgeted = true): Promise<string> {
    const id = randomUUID();
    // A member import checks ID numbers: within the caller's budget, and on the record (ADR 0011).
    if (input.kind === 'members') await this.idChecks.open(id, input.actor, input.dryRun, budgeted);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(input.file));
    await this.pool.query(
      `insert into import_jobs (id, kind, format, dry_run, status, bytes_total, actor_sub, actor_org_id) values ($1, $2, $3, $4, 'queued', $5, $6, $7)`,
      [id, input.kind, input.format, input.dryRun, size, input.actor.sub, input.actor.orgId ?? null],
    );
    return id;
  }

  private async saveProgress(s: JobState, final = false): Promise<void> {
    await this.pool.query(
      `update import_jobs set status = $2, bytes_read = $3, rows_processed = $4, rows_imported = $5, error_count = $6, errors = $7::jsonb, message = $8,
              finished_at = case when $9 then now() else finished_at end where id = $1`,
      [s.id, s.status, s.bytesRead, s.rowsProcessed, s.rowsImported, s.errorCount, JSON.stringify(s.errors), s.message, final],
    );
  }

  /**
   * The job's last word, on every path. What was checked is on the record already (reserved
   * batch by batch); the record's end (what matched elsewhere) is written before the job shows
   * as finished, so whoever sees the job done sees its record closed.
   */
  private async finish(state: JobState, input: StartImport): Promise<void> {
    if (input.kind === 'members') await this.idChecks.close(state.id, state.matchedElsewhere).catch(() => undefined);
    await this.saveProgress(state, true);
  }

  private async run(id: string, input: StartImport, budgeted: boolean): Promise<void> {
    const state: JobState = {
      id,
      status: 'running',
      bytesRead: 0,
      bytesTotal: 0,
      rowsProcessed: 0,
      rowsImported: 0,
      errorCount: 0,
      errors: [],
      message: null,
      budgeted,
      matchedElsewhere: 0,
    };
    const report = (errs: readonly RowError[]) => {
      state.errorCount += errs.length;
      for (const e of errs) if (state.errors.length < MAX_REPORTED_ERRORS) state.errors.push(e);
    };
    let client: PoolClient | undefined;
    try {
      // Held for the whole run: once this session is gone, a restart knows the job was abandoned (ImportLeftovers).
      client = await this.pool.connect();
      await holdImportJobLock(client, id);
      await this.saveProgress(state);
      const source = await openRoster(input.file, input.format, this.limits, input.lease?.signal);
      state.bytesTotal = source.bytesTotal;
      const missing = columnsOf(input.kind).filter(
        (c) => !['roles', 'posts', 'id_number', 'phone', 'temporary', 'status'].includes(c) && !source.header.includes(c),
      );
      if (missing.length) {
        report(missing.map((column) => ({ row: 1, column, reason: `缺少列 ${column} / missing column ${column}` })));
        state.status = 'rejected';
        state.message = '表头不符合花名册格式 / the header does not match the roster format';
        await this.finish(state, input);
        return;
      }
      const orgs = await this.subtree(input.actor, input.kind === 'organizations');
      if (!input.dryRun) await client.query('begin');
      let lastSaved = Date.now();
      const tick = async () => {
        state.bytesRead = source.bytesRead();
        if (Date.now() - lastSaved > 500) {
          lastSaved = Date.now();
          await this.saveProgress(state);
        }
      };
      if (input.kind === 'members') await this.importMembers(source.records, orgs, input, client, state, report, tick);
      else await this.importOrganizations(source.records, orgs, input, client, state, report, tick);
      state.bytesRead = source.bytesRead();
      if (input.dryRun) {
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
        state.errors.push({ row: e.row, column: '', reason: e.message });
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
      if (client)
        await releaseImportJobLock(client, id).then(
          () => client!.release(),
          (e: Error) => client!.release(e),
        );
      await unlink(input.file).catch(() => undefined);
      input.lease?.release();
    }
  }

  /** The caller's subtree, code → organisation: the only codes a file may name. */
  private async subtree(actor: Actor, withPaths: boolean): Promise<Map<string, OrgRef>> {
    const map = new Map<string, OrgRef>();
    if (!actor.orgId) return map;
    const root = await this.pool.query<{ path: string }>(`select path from organizations where id = $1`, [actor.orgId]);
    if (!root.rows[0]) return map;
    // Members only need code → id; paths are loaded for organisation imports alone (they build children's paths).
    const { rows } = await this.pool.query(
      `select o.id, o.code, ${withPaths ? 'o.path, o.level' : `'' as path, 'village' as level`}, o.status = 'active' as active
         from organizations o where o.path like $1 || '%'`,
      [root.rows[0].path],
    );
    for (const r of rows as { id: string; code: string; path: string; level: OrgLevel; active: boolean }[])
      map.set(r.code, { id: r.id, path: r.path, level: r.level, active: r.active });
    return map;
  }

  private async importMembers(
    records: AsyncIterable<{ row: number; cells: Record<string, string> }>,
    orgs: Map<string, OrgRef>,
    input: StartImport,
    client: PoolClient,
    state: JobState,
    report: (errs: readonly RowError[]) => void,
    tick: () => Promise<void>,
  ): Promise<void> {
    const today = this.clock.today();
    const seenIds = new Set<number>();
    let batch: { row: number; m: MemberRow; orgId: string; hash: string | null }[] = [];
    // One batch is written while the next is parsed (the DB works while JS reads): at most
    // two batches in memory, and writes stay in file order on the one transaction.
    let writing: Promise<void> = Promise.resolve();
    let failure: unknown;
    // Duplicates are answered only about the caller's own subtree; a number held by a member
    // elsewhere passes a dry run like an unregistered one and is held for review above the
    // caller by a real import (ADR 0011). Held rows count as accepted: nothing tells them apart.
    const write = async (b: typeof batch) => {
      const hashes = b.map((x) => x.hash).filter((h): h is string => h !== null);
      const held: HeldRow[] = [];
      if (hashes.length) {
        // Reserved before they are checked: past the budget nothing more is looked up (ADR 0011).
        await this.idChecks.reserveForJob(state.id, input.actor, hashes.length, state.budgeted).catch((e: unknown) => {
          throw e instanceof IdNumberChecksExhaustedError ? new RosterRefusedError(ID_CHECKS_USED_UP, b[0]!.row) : e;
        });
        const taken = await this.idChecks.holders(client, hashes, input.actor.orgId);
        const refused: RowError[] = [];
        for (const x of b) {
          const hit = x.hash ? taken.get(x.hash) : undefined;
          if (!hit) continue;
          const answer = answerForDuplicate(hit.insideCallersSubtree, input.dryRun);
          if (!hit.insideCallersSubtree) state.matchedElsewhere++;
          if (answer === 'refuse')
            refused.push({
              row: x.row,
              column: 'id_number',
              reason: '该身份证号已登记为本组织范围内的在册党员 / a member with this id_number is already registered in your subtree',
            });
          else if (answer === 'hold') held.push({ row: x.row, orgId: x.orgId, existingMemberId: hit.memberId });
        }
        report(refused);
      }
      // Locked and re-read before writing under them: a dissolution or merger since the start refuses the rows.
      if (!input.dryRun && state.errorCount === 0)
        report(
          await lockImportTargets(
            client,
            b.map((x) => ({ row: x.row, orgId: x.orgId, code: x.m.orgCode, column: 'org_code' })),
          ),
        );
      if (!input.dryRun && state.errorCount === 0) {
        const heldRows = new Set(held.map((h) => h.row));
        const inserted = heldRows.size ? b.filter((x) => !heldRows.has(x.row)) : b;
        if (inserted.length) await this.insertMembers(client, inserted, input);
        await this.idChecks.hold(client, state.id, input.actor, held);
        state.rowsImported += b.length;
      }
    };
    const flush = async () => {
      if (!batch.length) return;
      const b = batch;
      batch = [];
      await writing;
      if (failure) throw asError(failure);
      writing = write(b).catch((e: unknown) => {
        failure = e;
      });
      await tick();
    };
    // A file refused mid-way still lets the batch in flight finish: its checks are on the record, and it never runs on a released connection.
    try {
      for await (const { row, cells } of records) {
        state.rowsProcessed++;
        const parsed = parseMemberRow(row, cells, today);
        if (!parsed.ok) {
          report(parsed.errors);
          continue;
        }
        const m = parsed.value;
        const org = orgs.get(m.orgCode);
        const errs: RowError[] = [];
        if (!org)
          errs.push({
            row,
            column: 'org_code',
            reason: `组织代码 ${m.orgCode} 不存在或不在您的管理范围内 / org_code ${m.orgCode} is unknown or outside your subtree`,
          });
        else if (!org.active)
          errs.push({ row, column: 'org_code', reason: `组织 ${m.orgCode} 已撤销或合并 / organisation ${m.orgCode} is no longer active` });
        let hash: string | null = null;
        if (m.idNumber) {
          hash = this.cipher.blindIndex(m.idNumber);
          const key = parseInt(hash.length ? Buffer.from(hash, 'base64url').toString('hex').slice(0, 13) : '0', 16);
          if (seenIds.has(key))
            errs.push({ row, column: 'id_number', reason: '身份证号在文件中重复 / id_number appears twice in the file' });
          seenIds.add(key);
        }
        if (errs.length) {
          report(errs);
          continue;
        }
        batch.push({ row, m, orgId: org!.id, hash });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    } finally {
      await writing;
    }
    if (failure) throw asError(failure);
  }

  private async insertMembers(
    client: PoolClient,
    batch: readonly { m: MemberRow; orgId: string; hash: string | null }[],
    input: StartImport,
  ): Promise<void> {
    const now = this.clock.now().toISOString();
    const ids = batch.map(() => uuidv7());
    await client.query(
      `with ins as (
         insert into members (id, org_id, name, status, joined_on, roles, posts, id_number_enc, phone_enc, id_number_hash, membership, version)
         select u.id, u.org_id, u.name, u.status, u.joined_on, string_to_array(u.roles, ','), string_to_array(u.posts, ','), u.idn, u.ph, u.h, 'active', 1
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                as u(id, org_id, name, status, joined_on, roles, posts, idn, ph, h)
         returning id, org_id, joined_on, status)
       insert into member_history (member_id, on_day, kind, org_id, detail) select id, joined_on, 'joined', org_id, status from ins`,
      [
        ids,
        batch.map((b) => b.orgId),
        batch.map((b) => b.m.name),
        batch.map((b) => b.m.status),
        batch.map((b) => b.m.joinedOn),
        batch.map((b) => b.m.roles.join(',')),
        batch.map((b) => b.m.posts.join(',')),
        batch.map((b) => (b.m.idNumber ? this.cipher.encrypt(b.m.idNumber) : null)),
        batch.map((b) => (b.m.phone ? this.cipher.encrypt(b.m.phone) : null)),
        batch.map((b) => b.hash),
      ],
    );
    const events: EventEnvelope[] = batch.map((b, i) =>
      envelope(MemberJoined.type, `member-${ids[i]}`, b.orgId, input, now, {
        memberId: ids[i],
        orgId: b.orgId,
        name: b.m.name,
        status: b.m.status,
        joinedOn: b.m.joinedOn,
        roles: b.m.roles,
      }),
    );
    await writeOutboxBatch(client, events);
  }

  private async importOrganizations(
    records: AsyncIterable<{ row: number; cells: Record<string, string> }>,
    orgs: Map<string, OrgRef>,
    input: StartImport,
    client: PoolClient,
    state: JobState,
    report: (errs: readonly RowError[]) => void,
    tick: () => Promise<void>,
  ): Promise<void> {
    let batch: { row: number; o: OrganizationRow; id: string; parent: OrgRef }[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const { rows } = await client.query<{ code: string }>(`select code from organizations where code = any($1::text[])`, [
        batch.map((b) => b.o.code),
      ]);
      if (rows.length) {
        const taken = new Set(rows.map((r) => r.code));
        // Codes outside the caller's subtree are unknown to the map but still unique platform-wide.
        report(
          batch
            .filter((b) => taken.has(b.o.code))
            .map((b) => ({ row: b.row, column: 'code', reason: `组织代码 ${b.o.code} 已被使用 / code ${b.o.code} is already in use` })),
        );
      }
      // A parent registered by this same batch is not written yet, and is this import's own.
      const ownIds = new Set(batch.map((b) => b.id));
      if (!input.dryRun && state.errorCount === 0)
        report(
          await lockImportTargets(
            client,
            batch
              .filter((b) => !ownIds.has(b.parent.id))
              .map((b) => ({ row: b.row, orgId: b.parent.id, code: b.o.parentCode, column: 'parent_code', path: b.parent.path })),
          ),
        );
      if (!input.dryRun && state.errorCount === 0) {
        const now = this.clock.now().toISOString();
        await client.query(
          `insert into organizations (id, code, name, level, kind, sector, parent_id, path, depth, established_on, temporary, status, version)
           select u.id, u.code, u.name, u.level, u.kind, u.sector, u.parent_id, u.path, u.depth, u.established_on, u.temporary, 'active', 1
             from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::int[], $10::date[], $11::boolean[])
                  as u(id, code, name, level, kind, sector, parent_id, path, depth, established_on, temporary)`,
          [
            batch.map((b) => b.id),
            batch.map((b) => b.o.code),
            batch.map((b) => b.o.name),
            batch.map((b) => b.o.level),
            batch.map((b) => b.o.kind),
            batch.map((b) => b.o.sector),
            batch.map((b) => b.parent.id),
            batch.map((b) => `${b.parent.path}${b.id}/`),
            batch.map((b) => b.parent.path.split('/').filter(Boolean).length),
            batch.map((b) => b.o.establishedOn),
            batch.map((b) => b.o.temporary),
          ],
        );
        await writeOutboxBatch(
          client,
          batch.map((b) =>
            envelope(OrganizationRegistered.type, `organization-${b.id}`, b.id, input, now, {
              organizationId: b.id,
              code: b.o.code,
              name: b.o.name,
              level: b.o.level,
              kind: b.o.kind,
              sector: b.o.sector,
              parentId: b.parent.id,
              parentCode: b.o.parentCode,
              temporary: b.o.temporary,
              establishedOn: b.o.establishedOn,
            }),
          ),
        );
        state.rowsImported += batch.length;
      }
      batch = [];
      await tick();
    };
    for await (const { row, cells } of records) {
      state.rowsProcessed++;
      const parsed = parseOrganizationRow(row, cells);
      if (!parsed.ok) {
        report(parsed.errors);
        continue;
      }
      const o = parsed.value;
      const parent = orgs.get(o.parentCode);
      const errs: RowError[] = [];
      if (!parent)
        errs.push({
          row,
          column: 'parent_code',
          reason: `上级组织 ${o.parentCode} 不存在或不在您的管理范围内（上级须在本文件靠前的行或已登记）/ parent_code ${o.parentCode} is unknown or outside your subtree (a parent must be stored or come earlier in the file)`,
        });
      else if (!parent.active)
        errs.push({
          row,
          column: 'parent_code',
          reason: `上级组织 ${o.parentCode} 已撤销或合并 / parent ${o.parentCode} is no longer active`,
        });
      else {
        const levelRule = new ChildLevelMustBeBelowParentLevelRule(parent.level, o.level);
        if (levelRule.isBroken()) errs.push({ row, column: 'level', reason: levelRule.message });
      }
      if (orgs.has(o.code)) errs.push({ row, column: 'code', reason: `组织代码 ${o.code} 已存在 / code ${o.code} already exists` });
      if (errs.length) {
        report(errs);
        continue;
      }
      const id = randomUUID();
      const ref: OrgRef = { id, path: `${parent!.path}${id}/`, level: o.level, active: true };
      orgs.set(o.code, ref);
      batch.push({ row, o, id, parent: parent! });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }
}

function envelope(
  type: string,
  streamId: string,
  orgId: string,
  input: StartImport,
  at: string,
  data: Record<string, unknown>,
): EventEnvelope {
  return organizationEnvelope({
    eventId: uuidv7(),
    type,
    streamId,
    streamVersion: 1,
    at,
    actor: {
      sub: input.actor.sub,
      roles: [...input.actor.roles],
      ...(input.actor.orgId ? { orgId: input.actor.orgId } : {}),
      kind: input.actor.kind,
    },
    orgId,
    correlationId: input.correlationId,
    causationId: null,
    data,
  });
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
