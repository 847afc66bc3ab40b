import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { RecordedEvent } from '@vanguard/event-store';
import type { BenchmarkEvent, PioneerEvent } from '@vanguard/evaluation-domain';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { benchmarksPioneersMigrations } from '../src/infrastructure/migrations/benchmarks-pioneers.migrations';
import { BenchmarkPioneerProjection } from '../src/infrastructure/projection/benchmarks-pioneers/benchmark-pioneer.projection';

const ORG = randomUUID();
const decision = { decidedBy: { sub: 's', role: 'branch_secretary', orgId: ORG }, inputs: [], rule: { id: 'r', version: 1 }, reason: '' };

const recorded = (streamId: string, events: (BenchmarkEvent | PioneerEvent)[]): RecordedEvent[] =>
  events.map((e, i) => ({ ...e, streamId, streamVersion: i + 1, recordedAt: `2011-07-0${i + 1}T00:00:00Z` }) as unknown as RecordedEvent);

function benchmark(benchmarkId: string): RecordedEvent[] {
  return recorded(`benchmark-${benchmarkId}`, [
    {
      type: 'evaluation.BenchmarkChosen',
      data: {
        benchmarkId,
        subject: { kind: 'organization', id: ORG },
        orgId: ORG,
        target: { kind: 'organization', id: randomUUID(), name: '青石村党支部' },
        gaps: ['g'],
        measures: ['m'],
        dueOn: '2011-12-31',
      },
    },
    { type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId, note: 'a', percent: 30 } },
    { type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId, note: 'b', percent: 60 } },
    { type: 'evaluation.BenchmarkReached', data: { benchmarkId, decision } },
  ]);
}

function pioneers(cycleId: string): RecordedEvent[] {
  const [a, b] = [{ kind: 'member', id: randomUUID() } as const, { kind: 'organization', id: randomUUID() } as const];
  return recorded(`pioneer-${ORG}-${cycleId}`, [
    { type: 'evaluation.QuarterPioneerNominated', data: { orgId: ORG, cycleId, candidate: a, deeds: 'A' } },
    { type: 'evaluation.QuarterPioneerNominated', data: { orgId: ORG, cycleId, candidate: b, deeds: 'B' } },
    { type: 'evaluation.QuarterPioneerSelected', data: { orgId: ORG, cycleId, candidate: a, votesFor: 6, votesCast: 9, decision } },
  ]);
}

/** At-least-once delivery: in order, but after a failure back to an earlier checkpoint and on from there. */
function redelivered(events: RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let i = 0;
  while (i < events.length) {
    out.push(events[i]!);
    i++;
    if (Math.random() < 0.4) i = Math.floor(Math.random() * i);
  }
  return out;
}

describe(BenchmarkPioneerProjection.name, () => {
  let db: TestSchema;
  let sut: BenchmarkPioneerProjection;
  const benchmarkRow = async (id: string) =>
    (
      await db.pool.query<Record<string, unknown>>(
        `select status, percent, last_note, version, reached_by from benchmark_view where benchmark_id = $1`,
        [id],
      )
    ).rows;
  const pioneerRows = async (cycleId: string) =>
    (
      await db.pool.query<Record<string, unknown>>(
        `select deeds, status, votes_for, votes_cast, decision from pioneer_view where cycle_id = $1 order by deeds`,
        [cycleId],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestSchema('benchmark_pioneer_view');
    for (const M of benchmarksPioneersMigrations) await new M().up(db.pool as unknown as QueryRunner);
    sut = new BenchmarkPioneerProjection(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('ends with the same benchmark row whatever is delivered again, over 15 random redeliveries', async () => {
    const once = randomUUID();
    for (const e of benchmark(once)) await sut.apply(e);
    const expected = await benchmarkRow(once);
    expect(expected).toEqual([{ status: 'reached', percent: 100, last_note: 'b', version: 4, reached_by: decision }]);
    for (let round = 0; round < 15; round++) {
      const id = randomUUID();
      for (const e of redelivered(benchmark(id))) await sut.apply(e);
      expect(await benchmarkRow(id)).toEqual(expected);
    }
  });

  it('ends with the same pioneer rows whatever is delivered again, over 15 random redeliveries', async () => {
    const once = randomUUID();
    for (const e of pioneers(once)) await sut.apply(e);
    const expected = await pioneerRows(once);
    expect(expected).toEqual([
      { deeds: 'A', status: 'selected', votes_for: 6, votes_cast: 9, decision },
      { deeds: 'B', status: 'nominated', votes_for: null, votes_cast: null, decision: null },
    ]);
    for (let round = 0; round < 15; round++) {
      const id = randomUUID();
      for (const e of redelivered(pioneers(id))) await sut.apply(e);
      expect(await pioneerRows(id)).toEqual(expected);
    }
  });
});
