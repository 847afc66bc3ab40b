import type { Pool } from 'pg';
import type { Decision } from '@vanguard/contracts';
import type {
  BenchmarkPioneerReadModelPort,
  BenchmarkView,
  PioneerView,
} from '../../../application/queries/benchmarks-pioneers/benchmark-pioneer-read-model.port';
import { pageWithTotal } from '../sql-page';

type Kind = 'organization' | 'member';
interface BenchmarkRow {
  benchmark_id: string;
  org_id: string;
  subject_kind: Kind;
  subject_id: string;
  target_kind: Kind;
  target_id: string;
  target_name: string;
  gaps: string[];
  measures: string[];
  due_on: string;
  status: 'active' | 'reached';
  percent: number;
  last_note: string | null;
  reached_by: Decision | null;
  version: number;
}
interface PioneerRow {
  org_id: string;
  cycle_id: string;
  candidate_kind: Kind;
  candidate_id: string;
  deeds: string;
  status: 'nominated' | 'selected';
  votes_for: number | null;
  votes_cast: number | null;
  decision: Decision | null;
}

const BENCHMARK_COLUMNS = `b.benchmark_id, b.org_id, b.subject_kind, b.subject_id, b.target_kind, b.target_id, b.target_name, b.gaps,
  b.measures, to_char(b.due_on, 'YYYY-MM-DD') as due_on, b.status, b.percent, b.last_note, b.reached_by, b.version`;

/** Rows below an organisation: its id appears in the row organisation's path in the tree copy. */
const inSubtree = (alias: string) => `join org_tree t on t.id = ${alias}.org_id where t.path like '%/' || $1::text || '/%'`;

const toBenchmark = (r: BenchmarkRow): BenchmarkView => ({
  benchmarkId: r.benchmark_id,
  orgId: r.org_id,
  subject: { kind: r.subject_kind, id: r.subject_id },
  target: { kind: r.target_kind, id: r.target_id, name: r.target_name },
  gaps: r.gaps,
  measures: r.measures,
  dueOn: r.due_on,
  status: r.status,
  percent: r.percent,
  lastNote: r.last_note,
  reachedDecision: r.reached_by,
  version: r.version,
});

const toPioneer = (r: PioneerRow): PioneerView => ({
  orgId: r.org_id,
  cycleId: r.cycle_id,
  candidate: { kind: r.candidate_kind, id: r.candidate_id },
  deeds: r.deeds,
  status: r.status,
  votesFor: r.votes_for,
  votesCast: r.votes_cast,
  decision: r.decision,
});

export class SqlBenchmarkPioneerReadModel implements BenchmarkPioneerReadModelPort {
  constructor(private readonly pool: Pool) {}

  async benchmark(benchmarkId: string): Promise<BenchmarkView | null> {
    const { rows } = await this.pool.query<BenchmarkRow>(`select ${BENCHMARK_COLUMNS} from benchmark_view b where b.benchmark_id = $1`, [
      benchmarkId,
    ]);
    return rows[0] ? toBenchmark(rows[0]) : null;
  }

  async benchmarks(q: { subtreeOf: string; limit: number; offset: number }): Promise<{ items: BenchmarkView[]; total: number }> {
    const { rows, total } = await pageWithTotal<BenchmarkRow>(
      this.pool,
      { columns: BENCHMARK_COLUMNS, from: `from benchmark_view b ${inSubtree('b')}`, orderBy: 'b.chosen_at, b.benchmark_id' },
      [q.subtreeOf],
      q,
    );
    return { items: rows.map(toBenchmark), total };
  }

  async pioneers(q: {
    subtreeOf: string;
    cycleId?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: PioneerView[]; total: number }> {
    const cycle = q.cycleId ? `and p.cycle_id = $2` : `and $2::uuid is null`;
    const params = [q.subtreeOf, q.cycleId ?? null];
    const { rows, total } = await pageWithTotal<PioneerRow>(
      this.pool,
      {
        columns: 'p.org_id, p.cycle_id, p.candidate_kind, p.candidate_id, p.deeds, p.status, p.votes_for, p.votes_cast, p.decision',
        from: `from pioneer_view p ${inSubtree('p')} ${cycle}`,
        orderBy: 'p.nominated_at, p.candidate_id',
      },
      params,
      q,
    );
    return { items: rows.map(toPioneer), total };
  }
}
