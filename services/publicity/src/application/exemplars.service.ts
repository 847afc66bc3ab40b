import { Injectable } from '@nestjs/common';
import type { Principal } from '@vanguard/auth';
import { ExemplarPublished, ExemplarTakenDown } from '@vanguard/contracts';
import {
  acceptExemplar,
  checkExemplarEdit,
  declineExemplar,
  editExemplar,
  exemplarNotFound,
  takeDownExemplar,
  type Exemplar,
  type ExemplarEdit,
} from '../domain/exemplar/exemplar';
import { sanitizeRichText } from '../domain/content/sanitize';
import { UnitOfWork, type Tx } from '../infrastructure/persistence/unit-of-work';
import { Access, actorOf, todayInChina } from './access';
import type { Precondition } from './precondition';

export interface ExemplarView extends Exemplar {
  readonly sourceKind: string;
  readonly sourceStream: string;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly declineReason: string | null;
  readonly publishedOn: string | null;
}

/**
 * A pioneer selection names ids only (evaluation's events and the member-state topic carry no
 * names, by design): until an editor sets a name, an organisation chosen as pioneer shows its
 * name from this service's org-tree copy, and every proposal its organisation's name, joined at
 * read time so a rename shows too. A member chosen as pioneer stays nameless for the editor to
 * name — no copy of members' names is kept here. Accepting writes the shown names into the row.
 */
const COLUMNS = `e.id, e.status, coalesce(e.name, s.name) as name, e.org_id as "orgId", coalesce(e.org_name, o.name) as "orgName",
  e.category, e.story, e.version, e.source_kind as "sourceKind", e.source_stream as "sourceStream", e.subject_kind as "subjectKind",
  e.subject_id as "subjectId", e.decline_reason as "declineReason", to_char(e.published_on, 'YYYY-MM-DD') as "publishedOn"`;
const FROM = `exemplars e
  left join org_tree s on e.subject_kind = 'organization' and s.id = e.subject_id
  left join org_tree o on o.id = e.org_id`;

/** An editor's work on proposals: list, edit, accept (publish) or decline; and taking a published one down. */
@Injectable()
export class ExemplarsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: Access,
  ) {}

  list(p: Principal, status: string | undefined, limit: number, offset: number): Promise<{ items: ExemplarView[]; total: number }> {
    return this.uow.run(async (tx) => {
      // Scope filters and pages in SQL: a province's editor reads one page, not every proposal.
      const rows = await tx.query<ExemplarView & { total: string }>(
        `select ${COLUMNS}, count(*) over () as total from ${FROM}
          where ($1::text is null or e.status = $1) and e.org_id = any($2::uuid[])
          order by e.proposed_at desc, e.id limit $3 offset $4`,
        [status ?? null, this.access.idsWithin(p), limit, offset],
      );
      const total = rows[0] ? Number(rows[0].total) : await this.countWithin(tx, p, status);
      return { items: rows.map(({ total: _total, ...r }) => r), total };
    });
  }

  /** The total when the page asked for lies past the last row (an offset beyond the end). */
  private async countWithin(tx: Tx, p: Principal, status: string | undefined): Promise<number> {
    const [row] = await tx.query<{ n: string }>(
      `select count(*) as n from exemplars where ($1::text is null or status = $1) and org_id = any($2::uuid[])`,
      [status ?? null, this.access.idsWithin(p)],
    );
    return Number(row?.n ?? 0);
  }

  get(p: Principal, id: string): Promise<ExemplarView> {
    return this.uow.run((tx) => this.load(tx, p, id));
  }

  edit(p: Principal, id: string, edit: ExemplarEdit, precondition?: Precondition<ExemplarView>): Promise<ExemplarView> {
    // The story is rich text: stored only in its sanitised form, so nothing unsafe is ever read back.
    const clean = { ...edit, ...(edit.story === undefined ? {} : { story: sanitizeRichText(edit.story) }) };
    checkExemplarEdit(clean);
    return this.change(p, id, (e) => editExemplar(e, clean), { name: clean.name, ...(precondition ? { precondition } : {}) });
  }

  accept(p: Principal, id: string): Promise<ExemplarView> {
    return this.change(p, id, (e) => acceptExemplar(e), { publish: true });
  }

  decline(p: Principal, id: string, reason: string | undefined): Promise<ExemplarView> {
    return this.change(p, id, (e) => declineExemplar(e, reason), { reason });
  }

  /** Off the roll, with the reason its public history shows, and an event for those who mirror the roll. */
  takeDown(p: Principal, id: string, reason: string | undefined): Promise<ExemplarView> {
    return this.uow.run(async (tx) => {
      const current = await this.load(tx, p, id, true);
      const next = takeDownExemplar(current, reason);
      const why = reason!.trim();
      await tx.query(`update exemplars set status = $2, decided_by = $3, version = version + 1 where id = $1`, [id, next.status, p.sub]);
      await tx.query(
        `insert into honour_roll_history (at, change, name, org_name, category, reason) values (now(), 'withdrawn', $1, $2, $3, $4)`,
        [current.name, current.orgName, current.category, why],
      );
      await tx.honourRollChanged();
      await tx.publish(
        ExemplarTakenDown,
        id,
        current.orgId,
        {
          exemplarId: id,
          subjectKind: current.subjectKind as 'member' | 'organization',
          subjectId: current.subjectId,
          orgId: current.orgId,
          reason: why,
          publishedOn: current.publishedOn!,
          takenDownOn: todayInChina(),
        },
        actorOf(p),
      );
      return this.load(tx, p, id);
    });
  }

  async load(tx: Tx, p: Principal, id: string, lock = false): Promise<ExemplarView> {
    const [row] = await tx.query<ExemplarView>(`select ${COLUMNS} from ${FROM} where e.id = $1 ${lock ? 'for update of e' : ''}`, [id]);
    // Out of scope looks like absent: an editor learns nothing of another county's proposals.
    if (!row || !this.access.within(p, row.orgId)) throw exemplarNotFound();
    return row;
  }

  /**
   * `name` is what an editor typed. The shown names are written into the row only on publishing
   * (the roll keeps what was published); until then a proposal, declined or edited too, keeps
   * following its organisation's renames through the read-time join. A decision that changes
   * nothing (undefined) writes nothing and keeps the version.
   */
  private change(
    p: Principal,
    id: string,
    decide: (e: Exemplar) => Exemplar | undefined,
    {
      publish = false,
      reason,
      name,
      precondition,
    }: { publish?: boolean; reason?: string; name?: string; precondition?: Precondition<ExemplarView> } = {},
  ): Promise<ExemplarView> {
    return this.uow.run(async (tx) => {
      const current = await this.load(tx, p, id, true);
      precondition?.(current);
      const next = decide(current);
      if (next === undefined) return current;
      const publishedOn = publish ? todayInChina() : null;
      await tx.query(
        `update exemplars set status = $2, name = coalesce($3, name), story = $4, decline_reason = coalesce($5, decline_reason),
           published_on = coalesce($6::date, published_on), decided_by = $7, org_name = coalesce($8, org_name), version = version + 1
         where id = $1`,
        [
          id,
          next.status,
          publish ? next.name : (name ?? null),
          next.story,
          reason?.trim() ?? null,
          publishedOn,
          p.sub,
          publish ? next.orgName : null,
        ],
      );
      if (publish) {
        await tx.query(`insert into honour_roll_history (at, change, name, org_name, category) values (now(), 'published', $1, $2, $3)`, [
          next.name,
          next.orgName,
          next.category,
        ]);
        await tx.honourRollChanged();
        await tx.publish(
          ExemplarPublished,
          id,
          next.orgId,
          {
            exemplarId: id,
            subjectKind: current.subjectKind as 'member' | 'organization',
            subjectId: current.subjectId,
            orgId: next.orgId,
            name: next.name!,
            category: next.category,
            publishedOn: publishedOn!,
          },
          actorOf(p),
        );
      }
      return this.load(tx, p, id);
    });
  }
}
