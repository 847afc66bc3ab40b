import type { Pool } from 'pg';
import type { BoardQueriesPort, Dashboard, NominationView, ProgrammeView } from '../../application/queries/board-queries.port';

type ProgrammeRow = {
  programme_id: string;
  name: string;
  org_id: string;
  level: string;
  categories: string[];
  years: number[];
  timeline: unknown;
  quotas: Record<string, number>;
  version: number;
};

const programmeOf = (r: ProgrammeRow): ProgrammeView => ({
  programmeId: r.programme_id,
  name: r.name,
  orgId: r.org_id,
  level: r.level,
  categories: r.categories,
  years: r.years,
  timeline: r.timeline,
  quotas: r.quotas,
  version: r.version,
});

/** Nominations nominated from inside the subtree of $2 (the org-tree copy's paths include the organisation itself). */
const IN_SUBTREE = `exists (select 1 from org_tree t where t.id = n.nominator_org_id and t.path like '%' || $2::text || '%')`;

const NOMINATION_JSON = `json_build_object(
  'nominationId', n.nomination_id, 'programmeId', n.programme_id, 'category', n.category, 'nominee', n.nominee,
  'nominatorOrgId', n.nominator_org_id, 'unitOrgId', n.unit_org_id, 'deedsSummary', n.deeds_summary, 'status', n.status,
  'pending', case when n.pending_level is null then null else json_build_object('level', n.pending_level, 'orgId', n.pending_org_id,
     'dueOn', to_char(n.pending_due_on, 'YYYY-MM-DD'), 'overdue', n.pending_due_on < $TODAY::date) end,
  'noticedRound', n.noticed_round, 'documentNumber', n.document_number, 'version', n.version,
  'levels', (select coalesce(json_agg(json_build_object('level', l.level, 'orgId', l.org_id, 'outcome', l.outcome, 'late', l.late)
                                      order by l.step_index), '[]'::json)
               from nomination_level_view l where l.nomination_id = n.nomination_id))`;

export class SqlBoardQueries implements BoardQueriesPort {
  constructor(private readonly pool: Pool) {}

  async programme(programmeId: string): Promise<ProgrammeView | null> {
    const { rows } = await this.pool.query<ProgrammeRow>(`select * from programme_view where programme_id = $1`, [programmeId]);
    return rows[0] ? programmeOf(rows[0]) : null;
  }

  async programmesIn(subtreeOf: string): Promise<ProgrammeView[]> {
    // A programme concerns the awarding body's subtree: shown to callers inside it or above it.
    const { rows } = await this.pool.query<ProgrammeRow>(
      `select p.* from programme_view p join org_tree t on t.id = $1::uuid
        where t.path like '%' || p.org_id::text || '%'
           or exists (select 1 from org_tree a where a.id = p.org_id and a.path like '%' || $1::text || '%')
        order by p.launched_at desc limit 200`,
      [subtreeOf],
    );
    return rows.map(programmeOf);
  }

  async nomination(nominationId: string, today: string): Promise<NominationView | null> {
    const { rows } = await this.pool.query<{ v: NominationView }>(
      `select ${NOMINATION_JSON.replace('$TODAY', '$2')} as v from nomination_view n where n.nomination_id = $1`,
      [nominationId, today],
    );
    return rows[0]?.v ?? null;
  }

  async nominations(
    programmeId: string,
    subtreeOf: string,
    filter: { status?: string; awaiting?: string; overdueOn?: string; limit: number; offset: number },
    today: string,
  ): Promise<NominationView[]> {
    const { rows } = await this.pool.query<{ v: NominationView }>(
      `select ${NOMINATION_JSON.replace('$TODAY', '$3')} as v from nomination_view n
        where n.programme_id = $1 and ${IN_SUBTREE}
          and ($4::text is null or n.status = $4) and ($5::text is null or n.pending_level = $5)
          and ($6::date is null or n.pending_due_on < $6::date)
        order by n.submitted_at, n.nomination_id limit $7 offset $8`,
      [
        programmeId,
        subtreeOf,
        today,
        filter.status ?? null,
        filter.awaiting ?? null,
        filter.overdueOn ?? null,
        filter.limit,
        filter.offset,
      ],
    );
    return rows.map((r) => r.v);
  }

  async dashboard(programmeId: string, subtreeOf: string, today: string): Promise<Dashboard> {
    const totals = await this.pool.query<Dashboard['totals']>(
      `select count(*)::int as "nominated",
              count(*) filter (where n.status = 'under_review')::int as "underReview",
              count(*) filter (where exists (select 1 from nomination_level_view l where l.nomination_id = n.nomination_id and l.outcome = 'endorsed'))::int as "endorsed",
              count(*) filter (where n.status = 'returned')::int as "returned",
              count(*) filter (where n.status = 'rejected')::int as "rejected",
              count(*) filter (where n.status = 'shortlisted')::int as "shortlisted",
              count(*) filter (where n.status = 'shortlisted' and n.noticed_round is not null
                                 and n.noticed_round = (select v.round from public_notice_view v where v.programme_id = n.programme_id))::int as "underNotice",
              (select count(*)::int from objection_view o join nomination_view m using (nomination_id)
                where o.programme_id = $1 and o.status in ('filed', 'assigned')
                  and exists (select 1 from org_tree t where t.id = m.nominator_org_id and t.path like '%' || $2::text || '%')) as "objectionsOpen",
              count(*) filter (where n.status = 'withdrawn')::int as "withdrawn",
              count(*) filter (where n.status = 'decided')::int as "decided",
              count(*) filter (where n.status = 'revoked')::int as "revoked"
         from nomination_view n where n.programme_id = $1 and ${IN_SUBTREE}`,
      [programmeId, subtreeOf],
    );
    const levels = await this.pool.query<Dashboard['levels'][number]>(
      `select l.level,
              count(*) filter (where l.outcome = 'pending' and n.status = 'under_review')::int as awaiting,
              count(*) filter (where l.outcome = 'pending' and n.status = 'under_review' and l.due_on < $3::date)::int as overdue,
              count(*) filter (where l.outcome = 'endorsed')::int as endorsed,
              count(*) filter (where l.outcome = 'returned')::int as returned,
              count(*) filter (where l.outcome = 'rejected')::int as rejected
         from nomination_level_view l join nomination_view n using (nomination_id)
        where n.programme_id = $1 and ${IN_SUBTREE}
        group by l.level
        order by array_position(array['township', 'county', 'city', 'province'], l.level)`,
      [programmeId, subtreeOf, today],
    );
    return { programmeId, asOf: today, totals: totals.rows[0]!, levels: levels.rows };
  }
}
