import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { massEvaluationDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { DomainError } from '@vanguard/kernel';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { seededRandom } from '@vanguard/testing';
import type { BallotBoxPort } from '../src/application/commands/mass-evaluation/ballot-box.port';
import { CloseMassEvaluationHandler } from '../src/application/commands/mass-evaluation/close-mass-evaluation.handler';
import { IssueBallotCodesHandler, type IssuedCodes } from '../src/application/commands/mass-evaluation/issue-ballot-codes.handler';
import { OpenMassEvaluationHandler } from '../src/application/commands/mass-evaluation/open-mass-evaluation.handler';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { ballotOptionsFromEnv } from '../src/infrastructure/mass-evaluation/ballot-options';
import { SqlBallotBox } from '../src/infrastructure/mass-evaluation/sql-ballot-box';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { PgRoster } from '../src/infrastructure/roster/pg-roster';
import { as, on, TOWNSHIP, VILLAGE } from '../src/infrastructure/seed/demo-support';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

class Crashed extends Error {}

/**
 * The real box, but the process "dies" after the trail line is appended and before the box's
 * transaction commits, when `dies()` says so: what a crash there does to the transaction.
 */
function boxThatMayDie(box: SqlBallotBox, dies: () => boolean): BallotBoxPort {
  return Object.assign(Object.create(box) as SqlBallotBox, {
    issueCodes: (w, count, recordTrail) =>
      box.issueCodes(w, count, async (append, issued) => {
        await recordTrail(append, issued);
        if (dies()) throw new Crashed('died before the commit');
      }),
    voidCodes: (windowId, codes, recordTrail) =>
      box.voidCodes(windowId, codes, async (append, voided) => {
        await recordTrail(append, voided);
        if (dies()) throw new Crashed('died before the commit');
      }),
  } satisfies Partial<BallotBoxPort>);
}

/**
 * A batch of codes and its trail line (BallotCodesIssued / BallotCodesVoided) commit together or
 * not at all (ADR 0153). Before, they were two writes: an error or a crash between them left codes
 * nobody held counting against the eligible voters, or a void the trail did not show.
 */
describe('the ballot box and its trail (integration)', () => {
  let pool: Pool;
  let store: PostgresEventStore;
  let streams: PostgresStreamsAdapter;
  let tree: SqlOrgTreeAdapter;
  let box: SqlBallotBox;
  const township = as(TOWNSHIP, 'branch_secretary');

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    pool = new Pool({ connectionString: serviceDatabaseUrl('evaluation', infraConfig().testDatabaseUrl), max: 12 });
    const scope = new ScopeService();
    await scope.load(pool);
    store = new PostgresEventStore(pool, { schema: 'evaluation' });
    streams = new PostgresStreamsAdapter(store);
    tree = new SqlOrgTreeAdapter(pool, scope);
    box = new SqlBallotBox(pool, ballotOptionsFromEnv().codeKey, store);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const openWindow = async (eligibleVoters: number): Promise<string> => {
    const id = randomUUID();
    await new OpenMassEvaluationHandler(streams, tree, { next: () => id }, on('2011-06-01'), new PgRoster(pool)).execute(
      {
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        cycleId: null,
        eligibleVoters,
        opensOn: '2011-06-01',
        closesOn: '2030-12-31',
      },
      township,
    );
    return id;
  };
  /** The box's own count, its code rows, and the trail's lines after the opening: [type, count, issuedInAll]. */
  const seen = async (windowId: string) => {
    const codes = await pool.query<{ n: number }>(`select count(*)::int as n from mass_evaluation_code where window_id = $1`, [windowId]);
    const events = await pool.query<{ type: string; canonical: string }>(
      `select type, canonical from events where stream_id = $1 and stream_version > 1 order by stream_version`,
      [`mass-evaluation-${windowId}`],
    );
    return {
      issued: await box.codesIssued(windowId),
      rows: codes.rows[0]!.n,
      trail: events.rows.map((e) => {
        const d = (JSON.parse(e.canonical) as { data: { count: number; issuedInAll: number } }).data;
        return [e.type, d.count, d.issuedInAll] as const;
      }),
    };
  };

  it('leaves no code and no trail line when the process dies between them, and issues the batch on the next try', async () => {
    const windowId = await openWindow(10);
    const dying = new IssueBallotCodesHandler(
      streams,
      tree,
      boxThatMayDie(box, () => true),
    );

    await expect(dying.execute(windowId, 4, township)).rejects.toBeInstanceOf(Crashed);
    expect(await seen(windowId)).toEqual({ issued: 0, rows: 0, trail: [] });

    const batch = await new IssueBallotCodesHandler(streams, tree, box).execute(windowId, 4, township);
    expect(batch.codes).toHaveLength(4);
    expect(await seen(windowId)).toEqual({ issued: 4, rows: 4, trail: [['evaluation.BallotCodesIssued', 4, 4]] });
  });

  it('keeps the codes and writes no void line when the process dies while voiding them', async () => {
    const windowId = await openWindow(10);
    const batch = await new IssueBallotCodesHandler(streams, tree, box).execute(windowId, 3, township);

    await expect(
      new IssueBallotCodesHandler(
        streams,
        tree,
        boxThatMayDie(box, () => true),
      ).voidUndelivered(batch, township),
    ).rejects.toBeInstanceOf(Crashed);
    expect(await seen(windowId)).toEqual({ issued: 3, rows: 3, trail: [['evaluation.BallotCodesIssued', 3, 3]] });

    expect(await new IssueBallotCodesHandler(streams, tree, box).voidUndelivered(batch, township)).toBe(3);
    expect(await seen(windowId)).toEqual({
      issued: 0,
      rows: 0,
      trail: [
        ['evaluation.BallotCodesIssued', 3, 3],
        ['evaluation.BallotCodesVoided', 3, 0],
      ],
    });
  });

  // Issues and voids at once, some dying before their commit: whatever the interleaving, the box
  // and the trail tell the same story, line by line, and no refusal is left over but the deaths.
  it.each([1, 2, 3, 4, 5])('agrees with its trail after concurrent issues and voids, some dying (seed %i)', async (seed) => {
    const rnd = seededRandom(seed);
    const windowId = await openWindow(400);
    const delivered: IssuedCodes[] = [];
    const handler = (dies: boolean) => new IssueBallotCodesHandler(streams, tree, dies ? boxThatMayDie(box, () => true) : box);
    const outcomes: string[] = [];
    // In waves, so the later ones void batches the earlier ones delivered while others issue.
    for (let wave = 0; wave < 3; wave++)
      outcomes.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, async () => {
            const dies = rnd() < 0.3;
            const count = 1 + Math.floor(rnd() * 5);
            const batch = wave > 0 && rnd() < 0.5 ? delivered.shift() : undefined;
            try {
              if (batch) await handler(dies).voidUndelivered(batch, township);
              else delivered.push(await handler(dies).execute(windowId, count, township));
              return 'done';
            } catch (e) {
              if (batch && e instanceof Crashed) delivered.push(batch);
              return e instanceof Crashed ? 'died' : String(e);
            }
          }),
        )),
      );
    expect(outcomes.filter((o) => o !== 'done' && o !== 'died')).toEqual([]);
    expect(outcomes).toContain('died');

    const { issued, rows, trail } = await seen(windowId);
    // Independently of the box's count: the trail's lines summed, and the last line's running total.
    const sum = trail.reduce((n, [type, count]) => (type === 'evaluation.BallotCodesIssued' ? n + count : n - count), 0);
    expect({ rows, sum, last: trail.at(-1)?.[2] ?? 0 }).toEqual({ rows: issued, sum: issued, last: issued });
    // Each line's running total follows from the one before it: no line is missing in between.
    let running = 0;
    for (const [type, count, inAll] of trail) {
      running += type === 'evaluation.BallotCodesIssued' ? count : -count;
      expect([type, count, inAll]).toEqual([type, count, running]);
    }
  });

  // A close waits behind the batches holding the window's row; each committed one moved the stream
  // the close had read. It reads again and closes again (the box counts the same), never a 409.
  it.each([1, 2, 3])('closes while batches are being issued, after whichever of them got in first (seed %i)', async (seed) => {
    const rnd = seededRandom(100 + seed);
    const windowId = await openWindow(400);
    const issue = new IssueBallotCodesHandler(streams, tree, box);
    const jobs = Array.from({ length: 6 }, () => 1 + Math.floor(rnd() * 4));
    const closeAfter = Math.floor(rnd() * 6);
    const outcomes = await Promise.all([
      ...jobs.map((count) =>
        issue.execute(windowId, count, township).then(
          () => 'issued',
          (e: unknown) => (e instanceof DomainError ? e.code : String(e)),
        ),
      ),
      (async () => {
        for (let i = 0; i < closeAfter; i++) await new Promise((r) => setImmediate(r));
        return new CloseMassEvaluationHandler(streams, tree, box).execute(windowId, township).then(() => 'closed', String);
      })(),
    ]);
    expect(outcomes.filter((o) => !['issued', 'closed', 'MASS_EVALUATION.NOT_OPEN'].includes(o))).toEqual([]);
    expect(outcomes.at(-1)).toBe('closed');
    const { state } = await streams.load(`mass-evaluation-${windowId}`, massEvaluationDecider);
    const { rows, trail } = await seen(windowId);
    expect({ status: state.status, rows }).toEqual({ status: 'closed', rows: 0 });
    // Every batch that was answered is on the trail before the close, and no other.
    expect(trail.filter(([type]) => type === 'evaluation.BallotCodesIssued')).toHaveLength(outcomes.filter((o) => o === 'issued').length);
  });
});
