import type { RecordedEvent } from '@vanguard/event-store';
import type { BenchmarkEvent, PioneerEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projections';

/**
 * Keeps benchmark_view and pioneer_view in step with `benchmark-` and `pioneer-` streams. A
 * benchmark row, and an organisation's cycle in pioneer_stream_version, move only on the next
 * version of their stream; a pioneer row changes in the same statement, only if its stream's
 * version moved. So a redelivered event changes nothing.
 */
export class BenchmarkPioneerProjection implements EvaluationProjection {
  private readonly benchmarks: string;
  private readonly versions: string;
  private readonly pioneers: string;

  constructor(
    private readonly db: Queryable,
    table: (name: string) => string = (name) => name,
  ) {
    this.benchmarks = `"${table('benchmark_view')}"`;
    this.versions = `"${table('pioneer_stream_version')}"`;
    this.pioneers = `"${table('pioneer_view')}"`;
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (event.streamId.startsWith('benchmark-')) await this.benchmark(event as unknown as BenchmarkEvent & RecordedEvent);
    else if (event.streamId.startsWith('pioneer-')) await this.pioneer(event as unknown as PioneerEvent & RecordedEvent);
  }

  private async benchmark(e: BenchmarkEvent & RecordedEvent): Promise<void> {
    const [v, at] = [e.streamVersion, e.recordedAt];
    if (e.type === 'evaluation.BenchmarkChosen') {
      const d = e.data;
      await this.db.query(
        `insert into ${this.benchmarks} (benchmark_id, org_id, subject_kind, subject_id, target_kind, target_id, target_name, gaps,
                                          measures, due_on, status, version, chosen_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $12, $12)
         on conflict (benchmark_id) do nothing`,
        [
          d.benchmarkId,
          d.orgId,
          d.subject.kind,
          d.subject.id,
          d.target.kind,
          d.target.id,
          d.target.name,
          JSON.stringify(d.gaps),
          JSON.stringify(d.measures),
          d.dueOn,
          v,
          at,
        ],
      );
      return;
    }
    const [set, params] =
      e.type === 'evaluation.BenchmarkProgressReported'
        ? [`percent = $4, last_note = $5`, [e.data.percent, e.data.note]]
        : [`status = 'reached', percent = 100, reached_by = $4`, [JSON.stringify(e.data.decision)]];
    await this.db.query(
      `update ${this.benchmarks} set ${set}, version = $2, updated_at = $3 where benchmark_id = $1 and version = $2 - 1`,
      [e.data.benchmarkId, v, at, ...params],
    );
  }

  private async pioneer(e: PioneerEvent & RecordedEvent): Promise<void> {
    const { orgId, cycleId, candidate } = e.data;
    const moved =
      e.streamVersion === 1
        ? `insert into ${this.versions} (org_id, cycle_id, version) values ($1, $2, $5) on conflict do nothing returning 1`
        : `update ${this.versions} set version = $5 where org_id = $1 and cycle_id = $2 and version = $5 - 1 returning 1`;
    const key = [orgId, cycleId, candidate.kind, candidate.id, e.streamVersion, e.recordedAt];
    if (e.type === 'evaluation.QuarterPioneerNominated')
      await this.db.query(
        `with moved as (${moved})
         insert into ${this.pioneers} (org_id, cycle_id, candidate_kind, candidate_id, deeds, status, nominated_at)
         select $1, $2, $3, $4, $7, 'nominated', $6 from moved on conflict do nothing`,
        [...key, e.data.deeds],
      );
    else
      await this.db.query(
        `with moved as (${moved})
         update ${this.pioneers} set status = 'selected', votes_for = $7, votes_cast = $8, decision = $9, selected_at = $6
          where org_id = $1 and cycle_id = $2 and candidate_kind = $3 and candidate_id = $4 and exists (select 1 from moved)`,
        [...key, e.data.votesFor, e.data.votesCast, JSON.stringify(e.data.decision)],
      );
  }
}
