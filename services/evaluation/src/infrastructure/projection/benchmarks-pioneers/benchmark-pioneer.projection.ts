import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@vanguard/event-store';
import type { BenchmarkEvent, PioneerEvent } from '@vanguard/evaluation-domain';

/**
 * Keeps benchmark_view and pioneer_view in step with `benchmark-` and `pioneer-` streams. A
 * row (for pioneers: the organisation's cycle in pioneer_stream_version) moves only on the
 * next version of its stream, so the subscription's at-least-once redelivery changes nothing.
 */
export class BenchmarkPioneerProjection {
  constructor(private readonly pool: Pool) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (event.streamId.startsWith('benchmark-')) await this.benchmark(event as unknown as BenchmarkEvent & RecordedEvent);
    else if (event.streamId.startsWith('pioneer-')) await this.pioneer(event as unknown as PioneerEvent & RecordedEvent);
  }

  private async benchmark(e: BenchmarkEvent & RecordedEvent): Promise<void> {
    const [v, at] = [e.streamVersion, e.recordedAt];
    if (e.type === 'evaluation.BenchmarkChosen') {
      const d = e.data;
      await this.pool.query(
        `insert into benchmark_view (benchmark_id, org_id, subject_kind, subject_id, target_kind, target_id, target_name, gaps, measures,
                                     due_on, status, version, chosen_at, updated_at)
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
    await this.pool.query(`update benchmark_view set ${set}, version = $2, updated_at = $3 where benchmark_id = $1 and version = $2 - 1`, [
      e.data.benchmarkId,
      v,
      at,
      ...params,
    ]);
  }

  private async pioneer(e: PioneerEvent & RecordedEvent): Promise<void> {
    const { orgId, cycleId, candidate } = e.data;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      if (await this.moves(client, orgId, cycleId, e.streamVersion)) {
        if (e.type === 'evaluation.QuarterPioneerNominated')
          await client.query(
            `insert into pioneer_view (org_id, cycle_id, candidate_kind, candidate_id, deeds, status, nominated_at)
             values ($1, $2, $3, $4, $5, 'nominated', $6) on conflict do nothing`,
            [orgId, cycleId, candidate.kind, candidate.id, e.data.deeds, e.recordedAt],
          );
        else
          await client.query(
            `update pioneer_view set status = 'selected', votes_for = $5, votes_cast = $6, decision = $7, selected_at = $8
              where org_id = $1 and cycle_id = $2 and candidate_kind = $3 and candidate_id = $4`,
            [
              orgId,
              cycleId,
              candidate.kind,
              candidate.id,
              e.data.votesFor,
              e.data.votesCast,
              JSON.stringify(e.data.decision),
              e.recordedAt,
            ],
          );
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  }

  /** Moves the stream's version on by one; false when this event was applied already. */
  private async moves(client: PoolClient, orgId: string, cycleId: string, version: number): Promise<boolean> {
    const r =
      version === 1
        ? await client.query(`insert into pioneer_stream_version (org_id, cycle_id, version) values ($1, $2, 1) on conflict do nothing`, [
            orgId,
            cycleId,
          ])
        : await client.query(`update pioneer_stream_version set version = $3 where org_id = $1 and cycle_id = $2 and version = $3 - 1`, [
            orgId,
            cycleId,
            version,
          ]);
    return r.rowCount === 1;
  }
}
