import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { OrganizationRegistered } from '@vanguard/contracts';
import type { Clock } from '../../application/ports/clock.port';
import type { StartImport } from '../../application/ports/roster.port';
import type { RowError } from '../../application/roster/roster-format';
import { parseOrganizationRow, shownCell, type OrganizationRow } from '../../application/roster/roster-row.validator';
import { ChildLevelMustBeBelowParentLevelRule } from '../../domain/organization/rules/child-level-must-be-below-parent-level.rule';
import { writeOutboxBatch } from '../outbox/bulk-outbox';
import { BATCH, importEnvelope, type ImportRun, type OrgRef, type RosterRecords } from './import-run';
import { lockImportTargets } from './import-target-locks';

type OrganizationBatch = { row: number; o: OrganizationRow; id: string; parent: OrgRef }[];

/**
 * The organisation rows of a roster file: a parent must be stored or come earlier in the file,
 * so each registered row joins the subtree map at once and later rows may hang under it.
 * Written with their OrganizationRegistered events while no row of the file was bad.
 */
export class OrganizationImport {
  constructor(private readonly clock: Clock) {}

  async run(records: RosterRecords, run: ImportRun): Promise<void> {
    const { orgs, state, report } = run;
    let batch: OrganizationBatch = [];
    const flush = async () => {
      if (!batch.length) return;
      await this.write(batch, run);
      batch = [];
      await run.tick();
    };
    const today = this.clock.today();
    for await (const { row, cells } of records) {
      state.rowsProcessed++;
      const parsed = parseOrganizationRow(row, cells, today);
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
          reason: `上级组织 ${shownCell(o.parentCode)} 不存在或不在您的管理范围内（上级须在本文件靠前的行或已登记）/ parent_code ${shownCell(o.parentCode)} is unknown or outside your subtree (a parent must be stored or come earlier in the file)`,
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

  private async write(batch: OrganizationBatch, { input, client, state, report }: ImportRun): Promise<void> {
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
      await this.insert(client, batch, input);
      state.rowsImported += batch.length;
    }
  }

  private async insert(client: PoolClient, batch: OrganizationBatch, input: StartImport): Promise<void> {
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
        importEnvelope(OrganizationRegistered.type, `organization-${b.id}`, b.id, input, now, {
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
  }
}
