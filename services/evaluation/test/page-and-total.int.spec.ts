// A list's page and its total come from one snapshot: the projections write while people read,
// and a page and a count taken as two statements disagreed (issue 13, seen on /inspections).
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { SqlAssessmentReadModel } from '../src/infrastructure/assessments/sql-assessment.read-model';
import { SqlBenchmarkPioneerReadModel } from '../src/infrastructure/projection/benchmarks-pioneers/sql-benchmark-pioneer.read-model';
import { SqlCommentReadModel } from '../src/infrastructure/projection/comments/sql-comment.read-model';
import { pageWithTotal } from '../src/infrastructure/projection/sql-page';
import { SqlPledgeReadModel } from '../src/infrastructure/projection/sql-pledge.read-model';
import { SqlReviewReadModel } from '../src/infrastructure/reviews/sql-review.read-model';

describe('a page and its total', () => {
  let db: TestSchema;
  let service: Pool;

  beforeAll(async () => {
    db = await createTestSchema('page_total');
    await db.pool.query('create table item (id serial primary key, n int not null)');
    service = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await service.end();
    await db.drop();
  });

  it('WhileRowsAreInsertedConcurrently_EveryWholeListHasAsManyItemsAsItsTotal', async () => {
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) await db.pool.query('insert into item (n) select $1 from generate_series(1, 3)', [n]);
    })();
    const mismatches: string[] = [];
    try {
      for (let i = 0; i < 150; i++) {
        const { rows, total } = await pageWithTotal<{ id: number }>(db.pool, { columns: 'id', from: 'from item', orderBy: 'id' }, [], {
          limit: 100_000,
          offset: 0,
        });
        if (rows.length !== total) mismatches.push(`read ${i}: ${rows.length} items, total ${total}`);
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(mismatches).toEqual([]);
  });

  it('PastTheLastPage_ItAnswersNoItemsAndTheTotal', async () => {
    const { count } = (await db.pool.query<{ count: string }>('select count(*) from item')).rows[0]!;
    const past = await pageWithTotal(db.pool, { columns: 'id', from: 'from item', orderBy: 'id' }, [], {
      limit: 10,
      offset: Number(count) + 5,
    });
    expect(past).toEqual({ rows: [], total: Number(count) });
    const middle = await pageWithTotal<{ id: number }>(db.pool, { columns: 'id', from: 'from item where n >= $1', orderBy: 'id' }, [0], {
      limit: 2,
      offset: 1,
    });
    expect(middle.rows).toHaveLength(2);
    expect(middle.total).toBe(Number(count));
  });

  it('EveryPagedListOfTheEvaluationReadModelsRunsOneStatement', async () => {
    // Counted on the real pool: two statements would be two snapshots.
    let statements = 0;
    const counting = new Proxy(service, {
      get: (target, key): unknown =>
        key === 'query'
          ? (...args: unknown[]): unknown => {
              statements += 1;
              return (target.query as (...a: unknown[]) => unknown).apply(target, args);
            }
          : Reflect.get(target, key),
    });
    const subtreeOf = randomUUID();
    const page = { limit: 20, offset: 0 };
    const lists: Record<string, () => Promise<unknown>> = {
      pledges: () => new SqlPledgeReadModel(counting).list({ subtreeOf, ...page }),
      comments: () => new SqlCommentReadModel(counting).comments({ subtreeOf, today: '2026-11-30', ...page }),
      rectifications: () => new SqlCommentReadModel(counting).rectifications({ subtreeOf, today: '2026-11-30', ...page }),
      reviews: () => new SqlReviewReadModel(counting).list({ subtreeOf, year: 2026, ...page }),
      assessments: () => new SqlAssessmentReadModel(counting).list({ subtreeOf, period: '2026', ...page }),
      benchmarks: () => new SqlBenchmarkPioneerReadModel(counting).benchmarks({ subtreeOf, ...page }),
      pioneers: () => new SqlBenchmarkPioneerReadModel(counting).pioneers({ subtreeOf, ...page }),
    };
    const counted: Record<string, number> = {};
    for (const [name, list] of Object.entries(lists)) {
      statements = 0;
      await list();
      counted[name] = statements;
    }
    expect(counted).toEqual(Object.fromEntries(Object.keys(lists).map((n) => [n, 1])));
  });
});
