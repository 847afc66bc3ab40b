import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import type { EventEnvelope, FundSource } from '@vanguard/contracts';
import { seededRandom, type TestSchema } from '@vanguard/testing';
import type { CommandContext } from '../src/application/ports/context.port';
import { FundHandlers } from '../src/application/use-cases/funds.use-cases';
import { ProjectHandlers } from '../src/application/use-cases/projects.use-cases';
import { TypeOrmUnitOfWork } from '../src/infrastructure/persistence/typeorm-unit-of-work';
import { assistanceInOwnSchema, dayFromToday, freshVillage } from './support/assistance-test-app';

const SEED = Number(process.env['ASSISTANCE_OPTIMISTIC_SEED'] ?? Date.now() % 1_000_000);
const PROJECTS = 4;
const ROUNDS = 8;
const OPS = 40;
const BUDGET = 2_000_000;
const SOURCES: FundSource[] = ['fiscal', 'social'];

type Kind = 'allocation' | 'disbursement' | 'reversal';
type Command = { round: number; project: string; kind: Kind; source: FundSource; amountFen: number; reverses?: string };
type Answer = Command & { movementId?: string; refusal?: string };
type Money = { movementId: string; source: FundSource; amountFen: number; balanceFen: number; reversedKind?: string };

jest.setTimeout(120_000);

// ADR 0073: a money command reads without a lock, decides, and writes in one guarded autocommit
// statement, falling back to the locked path when what it read changed. Here disbursements (most),
// allocations, reversals (the same one up to three times at once) and the projects' completion and
// acceptance race on a few shared projects, each command started after a seeded delay, in seeded
// rounds (ASSISTANCE_OPTIMISTIC_SEED replays a draw). Every answer must be one the locked path could
// have given: nothing lost, nothing twice, never negative, no money after acceptance, no refusal of
// what fitted throughout its round; and both paths must have run.
describe(`funds: optimistic money commands with a locked fallback, interleaved (seed ${SEED})`, () => {
  let schema: TestSchema;
  let app: INestApplication;
  const ctx: CommandContext = {
    actor: { sub: randomUUID(), username: 'int', roles: ['admin'], orgId: '00000000-0000-4000-8000-000000000091', kind: 'user' },
    correlationId: randomUUID(),
  };

  beforeAll(async () => {
    ({ schema, app } = await assistanceInOwnSchema('assistance_funds_optimistic', { relay: false }));
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  it('answers as the locked path would: each accepted command once in the ledger and the outbox, unbroken chains, none after acceptance', async () => {
    const rnd = seededRandom(SEED);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const projects = app.get(ProjectHandlers);
    const funds = app.get(FundHandlers);
    // Which path each command took: the guarded write applied, or it did not and the locked path ran.
    const uow = app.get(TypeOrmUnitOfWork);
    const writeIf = uow.writeIf.bind(uow);
    const paths = { applied: 0, changed: 0 };
    uow.writeIf = async (...args) => {
      const applied = await writeIf(...args);
      paths[applied ? 'applied' : 'changed']++;
      return applied;
    };

    const village = await freshVillage(schema.pool, '910425101');
    const today = dayFromToday(0);
    const ids: string[] = [];
    for (let p = 0; p < PROJECTS; p++) {
      const { id } = await projects.plan(ctx, village, {
        pairingId: null,
        name: `乐观并发${p}`,
        category: 'road_hardening',
        budgetFen: BUDGET,
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-3),
      });
      await projects.advance(ctx, id, 'approve', dayFromToday(-2));
      await projects.advance(ctx, id, 'start', dayFromToday(-1));
      ids.push(id);
    }
    // Each project is completed in one round and accepted (the books close) in a later one, racing its money.
    const completeIn = new Map(ids.map((id) => [id, int(1, ROUNDS - 3)]));
    const acceptIn = new Map(ids.map((id) => [id, completeIn.get(id)! + int(1, 2)]));
    const statusRound = new Map<string, { completed?: number; accepted?: number }>(ids.map((id) => [id, {}]));

    const answers: Answer[] = [];
    const unexpected: string[] = [];
    const issue = async (delayMs: number, c: Command, run: () => Promise<{ movementId: string }>) => {
      await sleep(delayMs);
      try {
        answers.push({ ...c, movementId: (await run()).movementId });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (!code || !code.startsWith('FUNDS.')) unexpected.push(`${c.kind} ${c.amountFen}: ${String(e)}`);
        answers.push({ ...c, refusal: code ?? String(e) });
      }
    };
    const step = async (delayMs: number, id: string, s: 'complete' | 'accept', round: number) => {
      await sleep(delayMs);
      await projects.advance(ctx, id, s, today).catch((e) => void unexpected.push(`${s}: ${String(e)}`));
      statusRound.get(id)![s === 'complete' ? 'completed' : 'accepted'] = round;
    };

    for (let round = 0; round < ROUNDS; round++) {
      const ops: Promise<unknown>[] = [];
      const reversible = answers.filter((a) => a.movementId && a.kind !== 'reversal');
      for (let i = 0; i < OPS; i++) {
        const project = pick(ids);
        const source = pick(SOURCES);
        const draw = rnd();
        const delay = int(0, 8);
        const mine = reversible.filter((a) => a.project === project);
        if (draw < 0.2) {
          const amountFen = int(50_000, 250_000);
          const c: Command = { round, project, kind: 'allocation', source, amountFen };
          ops.push(issue(delay, c, () => funds.allocate(ctx, project, { source, amountFen, on: today })));
        } else if (draw < 0.85 || mine.length === 0) {
          const amountFen = int(5_000, 90_000);
          const c: Command = { round, project, kind: 'disbursement', source, amountFen };
          ops.push(issue(delay, c, () => funds.disburse(ctx, project, { source, amountFen, on: today, purpose: `r${round}-${i}` })));
        } else {
          const target = pick(mine);
          for (let k = int(1, 3); k > 0; k--) {
            const c: Command = {
              round,
              project,
              kind: 'reversal',
              source: target.source,
              amountFen: target.amountFen,
              reverses: target.movementId,
            };
            ops.push(issue(int(0, 8), c, () => funds.reverse(ctx, project, target.movementId!, { on: today, reason: '冲正' })));
          }
        }
      }
      for (const id of ids) {
        if (completeIn.get(id) === round) ops.push(step(int(0, 8), id, 'complete', round));
        if (acceptIn.get(id) === round) ops.push(step(int(0, 8), id, 'accept', round));
      }
      await Promise.all(ops);
    }
    expect(unexpected).toEqual([]);

    const problems: string[] = [];
    const accepted = answers.filter((a) => a.movementId);
    for (const id of ids) {
      const mine = accepted.filter((a) => a.project === id);
      const byMovement = new Map(mine.map((a) => [a.movementId!, a]));
      // Exactly one ledger row per accepted command, and no other.
      const ledger = await schema.pool.query<{ id: string; balance_after_fen: string }>(
        `select id, balance_after_fen from fund_movements where project_id = $1`,
        [id],
      );
      const rows = ledger.rows.map((r) => r.id).sort();
      if (JSON.stringify(rows) !== JSON.stringify([...byMovement.keys()].sort()))
        problems.push(`${id}: ledger has ${rows.length} rows for ${byMovement.size} accepted commands`);
      const afterOf = new Map(ledger.rows.map((r) => [r.id, Number(r.balance_after_fen)]));

      // Exactly one event per accepted command, on an unbroken stream.
      const outbox = await schema.pool.query<{ envelope: EventEnvelope }>(`select envelope from vanguard_outbox where stream_id = $1`, [
        `project-${id}`,
      ]);
      const events = outbox.rows.map((r) => r.envelope).sort((a, b) => a.streamVersion - b.streamVersion);
      if (events.some((e, i) => e.streamVersion !== i + 1))
        problems.push(`${id}: stream versions ${events.map((e) => e.streamVersion).join(',')}`);
      const money = events.filter((e) => 'movementId' in (e.data as object));
      const moneyIds = money.map((e) => (e.data as Money).movementId).sort();
      if (JSON.stringify(moneyIds) !== JSON.stringify([...byMovement.keys()].sort()))
        problems.push(`${id}: ${moneyIds.length} money events for ${byMovement.size} accepted commands`);

      // Per source, the events' balanceFen is the running balance, never negative, equal to the ledger's;
      // the states each round passed through are kept to judge that round's refusals.
      const balance = new Map(SOURCES.map((s) => [s, { allocated: 0, disbursed: 0 }]));
      const passed = new Map<number, { remaining: Map<FundSource, number[]>; allocated: number[] }>();
      const seen = (round: number) => {
        if (!passed.has(round)) passed.set(round, { remaining: new Map(SOURCES.map((s) => [s, [] as number[]])), allocated: [] });
        const r = passed.get(round)!;
        for (const s of SOURCES) r.remaining.get(s)!.push(balance.get(s)!.allocated - balance.get(s)!.disbursed);
        r.allocated.push([...balance.values()].reduce((n, b) => n + b.allocated, 0));
      };
      let round = 0;
      seen(0);
      let acceptedAt: number | undefined;
      for (const e of events) {
        if (e.type === 'assistance.ProjectAccepted') acceptedAt = e.streamVersion;
        if (!('movementId' in (e.data as object))) continue;
        const d = e.data as Money;
        const a = byMovement.get(d.movementId);
        if (!a) continue;
        for (; round < a.round; round++) seen(round + 1);
        const b = balance.get(d.source)!;
        const kind = e.type === 'assistance.FundMovementReversed' ? d.reversedKind : undefined;
        const sign = kind ? -1 : 1;
        if (e.type === 'assistance.FundsAllocated' || kind === 'allocation') b.allocated += sign * d.amountFen;
        else b.disbursed += sign * d.amountFen;
        const remaining = b.allocated - b.disbursed;
        if (d.balanceFen !== remaining || afterOf.get(d.movementId) !== remaining || remaining < 0)
          problems.push(
            `${id} v${e.streamVersion} ${e.type}: event ${d.balanceFen}, chain ${remaining}, ledger ${afterOf.get(d.movementId)}`,
          );
        if (acceptedAt !== undefined && !kind) problems.push(`${id} v${e.streamVersion} ${e.type} after acceptance (v${acceptedAt})`);
        seen(a.round);
      }
      for (; round < ROUNDS - 1; round++) seen(round + 1);

      // The table holds what the chain ends at; the budget's sum (ADR 0061) what was allocated.
      const stored = await schema.pool.query<{ source: FundSource; allocated_fen: string; disbursed_fen: string }>(
        `select source, allocated_fen, disbursed_fen from fund_balances where project_id = $1`,
        [id],
      );
      for (const s of SOURCES) {
        const row = stored.rows.find((r) => r.source === s);
        const got = { allocated: Number(row?.allocated_fen ?? 0), disbursed: Number(row?.disbursed_fen ?? 0) };
        if (JSON.stringify(got) !== JSON.stringify(balance.get(s)))
          problems.push(`${id} ${s}: table ${JSON.stringify(got)}, chain ${JSON.stringify(balance.get(s))}`);
      }
      const [sum] = (await schema.pool.query<{ allocated_fen: string }>(`select allocated_fen from projects where id = $1`, [id])).rows;
      const allocated = [...balance.values()].reduce((n, b) => n + b.allocated, 0);
      if (Number(sum!.allocated_fen) !== allocated || allocated > BUDGET)
        problems.push(`${id}: projects.allocated_fen ${sum!.allocated_fen}, chain ${allocated}`);

      // A refusal is wrong if what it asked for fitted in every state its round passed through.
      const closedBy = statusRound.get(id)!.accepted;
      for (const a of answers.filter((x) => x.project === id && x.refusal)) {
        const states = passed.get(a.round)!;
        const reversedBy = accepted.some((x) => x.reverses && x.reverses === a.reverses && x.round <= a.round);
        const originalKind = a.reverses ? byMovement.get(a.reverses)?.kind : undefined;
        const wrong =
          a.refusal === 'FUNDS.INSUFFICIENT_BALANCE'
            ? (a.kind === 'reversal' && originalKind !== 'allocation') || a.amountFen <= Math.min(...states.remaining.get(a.source)!)
            : a.refusal === 'FUNDS.OVER_BUDGET'
              ? a.amountFen <= BUDGET - Math.max(...states.allocated)
              : a.refusal === 'FUNDS.PROJECT_NOT_OPEN'
                ? closedBy === undefined || closedBy > a.round
                : a.refusal === 'FUNDS.ALREADY_REVERSED'
                  ? !reversedBy
                  : true;
        if (wrong) problems.push(`${id} round ${a.round}: ${a.kind} ${a.amountFen} ${a.source} refused ${a.refusal}`);
      }
    }

    // The fund totals (ADR 0071) kept by the triggers equal what the balances add up to.
    const [totals] = (
      await schema.pool.query<{ kept_allocated: string; kept_disbursed: string; allocated: string; disbursed: string }>(
        `select (select sum(allocated_fen) from fund_totals where org_id = $1) as kept_allocated,
                (select sum(disbursed_fen) from fund_totals where org_id = $1) as kept_disbursed,
                (select sum(b.allocated_fen) from fund_balances b join projects p on p.id = b.project_id where p.org_id = $1) as allocated,
                (select sum(b.disbursed_fen) from fund_balances b join projects p on p.id = b.project_id where p.org_id = $1) as disbursed`,
        [village],
      )
    ).rows;
    if (totals!.kept_allocated !== totals!.allocated || totals!.kept_disbursed !== totals!.disbursed)
      problems.push(`fund totals ${JSON.stringify(totals)}`);

    const count = (f: (a: Answer) => boolean) => answers.filter(f).length;
    console.log(
      `seed ${SEED}: ${answers.length} commands, ${accepted.length} accepted (${paths.applied} optimistic, ${paths.changed} guard misses → locked),` +
        ` refused ${count((a) => a.refusal === 'FUNDS.INSUFFICIENT_BALANCE')} balance, ${count((a) => a.refusal === 'FUNDS.OVER_BUDGET')} budget,` +
        ` ${count((a) => a.refusal === 'FUNDS.PROJECT_NOT_OPEN')} not open, ${count((a) => a.refusal === 'FUNDS.ALREADY_REVERSED')} reversed;` +
        ` problems: ${problems.length ? `${problems.length}, the first:\n  ${problems.slice(0, 12).join('\n  ')}` : 'none'}`,
    );
    expect(problems).toEqual([]);
    // The draw raced both paths and the closing of the books.
    expect(paths.applied).toBeGreaterThan(0);
    expect(paths.changed).toBeGreaterThan(0);
    expect(count((a) => a.refusal === 'FUNDS.PROJECT_NOT_OPEN')).toBeGreaterThan(0);
    expect(count((a) => a.refusal === 'FUNDS.ALREADY_REVERSED')).toBeGreaterThan(0);
  });

  it('answers a refusal of the database on the guarded write as the locked path does (409, not a 500)', async () => {
    const projects = app.get(ProjectHandlers);
    const funds = app.get(FundHandlers);
    const uow = app.get(TypeOrmUnitOfWork);
    const village = await freshVillage(schema.pool, '910425101');
    const { id } = await projects.plan(ctx, village, {
      pairingId: null,
      name: '冲正竞态',
      category: 'road_hardening',
      budgetFen: BUDGET,
      beneficiaryHouseholds: 1,
      plannedOn: dayFromToday(-3),
    });
    await projects.advance(ctx, id, 'approve', dayFromToday(-2));
    await projects.advance(ctx, id, 'start', dayFromToday(-1));
    await funds.allocate(ctx, id, { source: 'fiscal', amountFen: 1_000, on: dayFromToday(0) });
    const { movementId } = await funds.disburse(ctx, id, { source: 'fiscal', amountFen: 100, on: dayFromToday(0), purpose: '拨付' });
    // Between the unlocked read and the guarded write, a writer that skips the domain (straight SQL)
    // records a reversal of the same entry and leaves the balance alone: the guard holds, the
    // unique reverses_id refuses the write, and the locked path answers.
    const writeIf = uow.writeIf.bind(uow);
    const refused: string[] = [];
    uow.writeIf = async (...args) => {
      await schema.pool.query(
        `insert into fund_movements (id, project_id, source, kind, amount_fen, on_day, purpose, reverses_id, balance_after_fen, recorded_at, recorded_by)
         values ($1, $2, 'fiscal', 'reversal', 100, current_date, '旁路', $3, 900, now(), 'sql')`,
        [randomUUID(), id, movementId],
      );
      return writeIf(...args).catch((e: unknown) => {
        refused.push((e as { code?: string }).code ?? String(e));
        throw e;
      });
    };
    try {
      await expect(funds.reverse(ctx, id, movementId, { on: dayFromToday(0), reason: '冲正' })).rejects.toMatchObject({
        code: 'FUNDS.ALREADY_REVERSED',
        kind: 'conflict',
      });
    } finally {
      uow.writeIf = writeIf;
    }
    expect(refused).toEqual(['FUNDS.ALREADY_REVERSED']);
    const reversals = await schema.pool.query(`select recorded_by from fund_movements where reverses_id = $1`, [movementId]);
    expect(reversals.rows).toEqual([{ recorded_by: 'sql' }]);
  });
});
