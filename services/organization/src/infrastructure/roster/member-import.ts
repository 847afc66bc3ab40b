import type { PoolClient } from 'pg';
import { MemberJoined, type EventEnvelope } from '@vanguard/contracts';
import type { Clock } from '../../application/ports/clock.port';
import type { PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { StartImport } from '../../application/ports/roster.port';
import type { RowError } from '../../application/roster/roster-format';
import { parseMemberRow, shownCell, type MemberRow } from '../../application/roster/roster-row.validator';
import { answerForDuplicate, IdNumberChecksExhaustedError } from '../../application/roster/id-number-checks';
import { writeOutboxBatch } from '../outbox/bulk-outbox';
import { uuidv7 } from '../system/uuid-v7';
import { asError, BATCH, importEnvelope, type ImportRun, type RosterRecords } from './import-run';
import { lockImportTargets } from './import-target-locks';
import { RosterRefusedError } from './roster-reader';
import type { HeldRow, PgIdNumberChecks } from './pg-id-number-checks';

const ID_CHECKS_USED_UP =
  '本时段身份证号核验额度已用完，已报上级组织 / the ID-number checks of this window are used up; the organisation above yours has been told';

/** `path`: the organisation's path when the import read the subtree, checked again under its row lock. */
type MemberBatch = { row: number; m: MemberRow; orgId: string; path: string; hash: string | null }[];

/**
 * The member rows of a roster file: each checked against the caller's subtree and for an ID
 * number twice in the file, then in batches against the numbers already stored (ADR 0011),
 * and written with their MemberJoined events while no row of the file was bad.
 */
export class MemberImport {
  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly clock: Clock,
    private readonly idChecks: PgIdNumberChecks,
  ) {}

  async run(records: RosterRecords, run: ImportRun): Promise<void> {
    const { orgs, state, report } = run;
    const today = this.clock.today();
    const seenIds = new Set<number>();
    let batch: MemberBatch = [];
    // One batch is written while the next is parsed (the DB works while JS reads): at most
    // two batches in memory, and writes stay in file order on the one transaction.
    let writing: Promise<void> = Promise.resolve();
    let failure: unknown;
    const flush = async () => {
      if (!batch.length) return;
      const b = batch;
      batch = [];
      await writing;
      if (failure) throw asError(failure);
      writing = this.write(b, run).catch((e: unknown) => {
        failure = e;
      });
      await run.tick();
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
            reason: `组织代码 ${shownCell(m.orgCode)} 不存在或不在您的管理范围内 / org_code ${shownCell(m.orgCode)} is unknown or outside your subtree`,
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
        batch.push({ row, m, orgId: org!.id, path: org!.path, hash });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    } finally {
      await writing;
    }
    if (failure) throw asError(failure);
  }

  /**
   * Duplicates are answered only about the caller's own subtree; a number held by a member
   * elsewhere passes a dry run like an unregistered one and is held for review above the
   * caller by a real import (ADR 0011). Held rows count as accepted: nothing tells them apart.
   */
  private async write(b: MemberBatch, { input, client, state, report }: ImportRun): Promise<void> {
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
    // Locked and re-read before writing under them: a dissolution, merger or move since the start
    // refuses the rows (a move may have taken the organisation out of the caller's subtree, ADR 0112).
    if (!input.dryRun && state.errorCount === 0)
      report(
        await lockImportTargets(
          client,
          b.map((x) => ({ row: x.row, orgId: x.orgId, code: x.m.orgCode, column: 'org_code', path: x.path })),
        ),
      );
    if (!input.dryRun && state.errorCount === 0) {
      // Each hold tells the caller "registered elsewhere": they have a budget of their own (ADR 0126).
      await this.idChecks.reserveHolds(state.id, input.actor, held.length, state.budgeted).catch((e: unknown) => {
        throw e instanceof IdNumberChecksExhaustedError ? new RosterRefusedError(ID_CHECKS_USED_UP, b[0]!.row) : e;
      });
      const heldRows = new Set(held.map((h) => h.row));
      const inserted = heldRows.size ? b.filter((x) => !heldRows.has(x.row)) : b;
      if (inserted.length) await this.insert(client, inserted, input);
      await this.idChecks.hold(client, state.id, input.actor, held);
      state.rowsImported += b.length;
    }
  }

  private async insert(client: PoolClient, batch: MemberBatch, input: StartImport): Promise<void> {
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
      importEnvelope(MemberJoined.type, `member-${ids[i]}`, b.orgId, input, now, {
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
}
