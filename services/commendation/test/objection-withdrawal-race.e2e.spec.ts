import type { INestApplication } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { DeciderStreams } from '@vanguard/event-store';
import request from 'supertest';
import { domainErrorAnswer } from '@vanguard/http';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { DomainError, type Decider } from '@vanguard/kernel';
import { seededRandom, tokenFor, waitUntil } from '@vanguard/testing';
import { FileObjectionHandler, sameObjectionId } from '../src/application/commands/objections/file-objection.handler';
import { AssignObjectionHandler, ConcludeObjectionHandler } from '../src/application/commands/objections/investigate-objection.handlers';
import type { CommandContext } from '../src/application/commands/command-context';
import type { Loaded, StreamContext, StreamRead, StreamWrite, StreamsPort } from '../src/application/ports/streams.port';
import { MovableClock, createCommendationTestApp } from './support/commendation-test-app';

// "An objection filing reads the nomination's status outside the withdrawal's append" (ADR 0114
// amended). A notice lists N nominations, each with an objection A_i under investigation; for each
// i at once, A_i is upheld (withdrawing nomination i) and a new objection B_i is filed on
// nomination i, in a seeded random order and with seeded random yields between each command's
// reads and its append. Then a new round is published while one more objection is filed on the
// nomination left. Judged by SQL on the event store, in its global order (transaction id, position):
// no objection to a nomination stands after its withdrawal, and every objection records the notice
// version that was the latest before it. Without help the window between a filing's reads and its
// append is a few round trips: the double below yields there, sometimes until the rival command has
// finished (`window`), so the old handler is caught every run; `behind` holds the uphold before its
// append until the filing is done (the filing must then be recorded); `loose` only yields a few
// turns of the event loop. `COMMENDATION_RACE_SEED=<n>` replays the choices.

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');
const ROUNDS = 10;
const OBJECTED = 5;

/** What the command running in this async context does between its steps (set per command by the test). */
interface Steps {
  afterLoad(streamId: string): Promise<void>;
  beforeAppend(): Promise<void>;
}
const running = new AsyncLocalStorage<Steps>();

/** The real port, yielding after each read and before each append as the running command's steps say. */
class SteppedStreams implements StreamsPort {
  constructor(private readonly real: StreamsPort & Partial<Pick<DeciderStreams, 'inTransaction'>>) {}

  async load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>> {
    const loaded = await this.real.load(streamId, decider);
    await running.getStore()?.afterLoad(streamId);
    return loaded;
  }

  async append(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number> {
    await running.getStore()?.beforeAppend();
    return this.real.append(streamId, events, expectedVersion, context);
  }

  async appendAll(writes: readonly StreamWrite[], unchanged?: readonly StreamRead[]): Promise<number[]> {
    await running.getStore()?.beforeAppend();
    return this.real.appendAll(writes, unchanged);
  }

  /** The streams a filing's or a notice's run appends through, in its lock's transaction (ADR 0113): stepped alike. */
  inTransaction(client: PoolClient): StreamsPort {
    if (!this.real.inTransaction) throw new Error('the lock transaction has no streams of its own to step');
    return new SteppedStreams(this.real.inTransaction(client));
  }
}

/** Turns of the event loop: other commands' I/O runs meanwhile; no timer, no sleep. */
async function turns(n: number): Promise<void> {
  for (let k = 0; k < n; k++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function whenDone(): { done: Promise<void>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

type Outcome<T> = { ok: T } | { refused: unknown };
const outcome = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then(
    (ok) => ({ ok }),
    (refused: unknown) => ({ refused }),
  );

/** A refusal as the public route answers it: status and code, and whether the message names the rule. */
function answered(e: unknown): { status: number; code: unknown; namesRule: boolean } | string {
  if (!(e instanceof DomainError)) return String(e);
  const answer = domainErrorAnswer(e);
  const body = answer.getResponse() as { code?: unknown; message?: unknown };
  return {
    status: answer.getStatus(),
    code: body.code,
    namesRule: /\[rule commendation\.objection\.noticed-nomination@1\]/.test(String(body.message)),
  };
}

type Mode = 'window' | 'behind' | 'loose';

describe('objection filings racing the withdrawal of their nomination (e2e)', () => {
  const seed = Number(process.env['COMMENDATION_RACE_SEED'] ?? Date.now() % 1_000_000);
  const rnd = seededRandom(seed);
  const clock = new MovableClock('2014-04-15');
  let app: INestApplication;
  let pool: Pool;
  const t: Record<string, string> = {};
  const post = (user: string, path: string, body: object) =>
    request(app.getHttpServer())
      .post(path)
      .set({ Authorization: `Bearer ${t[user]}` })
      .send(body);
  /** The county's inspector, as the handlers see a caller (the token's checks are not what this suite tests). */
  const inspector: CommandContext = {
    caller: { sub: 'race.inspector', roles: ['inspector'], orgId: COUNTY, kind: 'user' },
    correlationId: 'race',
  };

  beforeAll(async () => {
    app = await createCommendationTestApp(clock, {}, (real) => new SteppedStreams(real));
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
    for (const u of ['county.organizer', 'township.organizer', 'village.secretary']) t[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  /** A county programme whose first notice round lists `count` shortlisted nominations of 红石村. */
  async function programmeUnderNotice(count: number): Promise<{ programmeId: string; nominations: string[] }> {
    clock.day = '2014-04-15';
    const launched = await post('county.organizer', '/programmes', {
      name: `e2e 异议竞态 ${randomUUID().slice(0, 6)}`,
      orgId: COUNTY,
      level: 'county',
      categories: ['outstanding_member'],
      years: [2013],
      timeline: {
        nominationOpensOn: '2014-04-15',
        nominationClosesOn: '2014-05-10',
        reviewDeadlines: [
          { level: 'township', dueOn: '2014-05-20' },
          { level: 'county', dueOn: '2014-05-31' },
        ],
        notice: { days: 5, dayKind: 'calendar' },
        decisionOn: '2014-06-28',
      },
      eligibilityPolicies: [],
    }).expect(201);
    const programmeId = launched.body.programmeId as string;
    await post('county.organizer', `/programmes/${programmeId}/quotas`, {
      unitOrgId: BAIHUA,
      category: 'outstanding_member',
      places: count,
    }).expect(200);
    clock.day = '2014-04-20';
    const nominations: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await post('village.secretary', '/nominations', {
        programmeId,
        category: 'outstanding_member',
        nominee: { kind: 'member', id: randomUUID(), name: `成员${i}`, orgId: HONGSHI },
        deeds: { summary: `成员${i}带头修路`, record: '主要事迹……' },
      }).expect(201);
      nominations.push(r.body.nominationId as string);
    }
    clock.day = '2014-05-15';
    for (const user of ['township.organizer', 'county.organizer'])
      for (const n of nominations) await post(user, `/nominations/${n}/endorse`, { reason: '同意' }).expect(200);
    await shortlistedOnTheBoard(programmeId, count);
    clock.day = '2014-06-02';
    await post('county.organizer', `/programmes/${programmeId}/notice`, {}).expect(200);
    return { programmeId, nominations };
  }

  const shortlistedOnTheBoard = (programmeId: string, count: number) =>
    waitUntil(
      `${count} shortlisted on the board`,
      async () =>
        (await pool.query(`select 1 from nomination_view where programme_id = $1 and status = 'shortlisted'`, [programmeId])).rowCount ===
        count,
    );

  /** Objections to a nomination that stand after its withdrawal in the store's global order. */
  const filedAfterTheWithdrawal = async (programmeId: string) =>
    (
      await pool.query<{ objection: string; nomination: string }>(
        `select f.stream_id as objection, f.canonical::jsonb->'data'->>'nominationId' as nomination
           from events f
           join events w on w.stream_id = 'nomination-' || (f.canonical::jsonb->'data'->>'nominationId')
                        and w.type = 'commendation.NominationWithdrawn'
          where f.type = 'commendation.ObjectionFiled' and f.canonical::jsonb->'data'->>'programmeId' = $1
            and (f.transaction_id, f.position) > (w.transaction_id, w.position)`,
        [programmeId],
      )
    ).rows;

  /** Objections whose recorded notice version is not the notice's latest event before them in the global order. */
  const filedOnAnOlderRound = async (programmeId: string) =>
    (
      await pool.query<{ objection: string; recorded: string; latest: string | null }>(
        `select f.stream_id as objection, f.canonical::jsonb->'data'->'notice'->>'version' as recorded, latest.stream_version::text as latest
           from events f
           left join lateral (
             select n.stream_version from events n
              where n.stream_id = 'public-notice-' || $1 and (n.transaction_id, n.position) < (f.transaction_id, f.position)
              order by n.transaction_id desc, n.position desc limit 1) latest on true
          where f.type = 'commendation.ObjectionFiled' and f.canonical::jsonb->'data'->>'programmeId' = $1
            and (f.canonical::jsonb->'data'->'notice'->>'version')::bigint is distinct from latest.stream_version`,
        [programmeId],
      )
    ).rows;

  const objectionFiledWith = async (trackingCode: string) =>
    (
      await pool.query(
        `select 1 from events where type = 'commendation.ObjectionFiled' and canonical::jsonb->'data'->>'trackingCode' = $1`,
        [trackingCode],
      )
    ).rowCount;

  it('FileObjection_RacingTheUpholdThatWithdrawsItsNomination_OrANewRound_IsRecordedBeforeIt_OrRefusedNotOnTheNotice', async () => {
    const file = app.get(FileObjectionHandler);
    const assign = app.get(AssignObjectionHandler);
    const conclude = app.get(ConcludeObjectionHandler);
    const seen: Record<Mode, number> = { window: 0, behind: 0, loose: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const { programmeId, nominations } = await programmeUnderNotice(OBJECTED + 1);
      const objected = nominations.slice(0, OBJECTED);
      const spare = nominations[OBJECTED]!;
      clock.day = '2014-06-03';
      // A_i, filed and assigned: the objection each uphold concludes.
      const first: string[] = [];
      for (const n of objected) {
        const grounds = `群众反映${n.slice(0, 8)}事迹不实`;
        await file.execute({ programmeId, nominationId: n, grounds, name: null, contact: null }, randomUUID());
        const objectionId = sameObjectionId(programmeId, 1, n, grounds);
        await assign.execute(objectionId, {}, inspector);
        first.push(objectionId);
      }

      // 1. For each i at once: uphold A_i and file B_i.
      const races = objected.map((n, i) => {
        const mode: Mode = (['window', 'behind', 'loose'] as const)[Math.floor(rnd() * 3)]!;
        seen[mode]++;
        const fileTurns = Array.from({ length: 40 }, () => Math.floor(rnd() * 8));
        const upholdTurns = Array.from({ length: 200 }, () => Math.floor(rnd() * 8));
        const filingFirst = rnd() < 0.5;
        const between = Math.floor(rnd() * 10);
        return { n, i, mode, fileTurns, upholdTurns, filingFirst, between };
      });
      const results = await Promise.all(
        races.map(async ({ n, i, mode, fileTurns, upholdTurns, filingFirst, between }) => {
          const upheld = whenDone();
          const filed = whenDone();
          let gated = false;
          const fileSteps: Steps = {
            afterLoad: async (streamId) => {
              if (mode === 'window' && !gated && streamId === `nomination-${n}`) {
                gated = true;
                await upheld.done;
              } else await turns(fileTurns.shift() ?? 0);
            },
            beforeAppend: () => turns(fileTurns.shift() ?? 0),
          };
          let held = false;
          const upholdSteps: Steps = {
            afterLoad: () => turns(upholdTurns.shift() ?? 0),
            beforeAppend: async () => {
              if (mode === 'behind' && !held) {
                held = true;
                await filed.done;
              } else await turns(upholdTurns.shift() ?? 0);
            },
          };
          const startFiling = () =>
            outcome(
              running.run(fileSteps, () =>
                file.execute(
                  { programmeId, nominationId: n, grounds: `另有群众反映成员${i}事迹不实`, name: null, contact: null },
                  randomUUID(),
                ),
              ),
            ).finally(filed.finish);
          const startUphold = () =>
            outcome(running.run(upholdSteps, () => conclude.execute(first[i]!, true, '经核实属实', inspector))).finally(upheld.finish);
          let filing: Promise<Outcome<{ trackingCode: string }>>;
          let uphold: Promise<Outcome<{ version: number }>>;
          if (filingFirst) {
            filing = startFiling();
            await turns(between);
            uphold = startUphold();
          } else {
            uphold = startUphold();
            await turns(between);
            filing = startFiling();
          }
          return { n, mode, filing: await filing, uphold: await uphold };
        }),
      );

      expect({ seed, round, standingAfterTheirWithdrawal: await filedAfterTheWithdrawal(programmeId) }).toEqual({
        seed,
        round,
        standingAfterTheirWithdrawal: [],
      });
      for (const { n, mode, filing, uphold } of results) {
        // Every uphold withdraws its nomination; B_i is recorded (before the withdrawal, above) or refused naming why.
        expect({ seed, round, mode, uphold: 'ok' in uphold ? 'upheld' : answered(uphold.refused) }).toEqual({
          seed,
          round,
          mode,
          uphold: 'upheld',
        });
        const b = 'ok' in filing ? { recorded: await objectionFiledWith(filing.ok.trackingCode) } : { refused: answered(filing.refused) };
        const notOnTheNotice = { refused: { status: 404, code: 'OBJECTION.NOT_ON_NOTICE', namesRule: true } };
        if (mode === 'window') expect({ seed, round, n, mode, b }).toEqual({ seed, round, n, mode, b: notOnTheNotice });
        else if (mode === 'behind') expect({ seed, round, n, mode, b }).toEqual({ seed, round, n, mode, b: { recorded: 1 } });
        else expect({ seed, round, n, mode, b }).toEqual({ seed, round, n, mode, b: 'ok' in filing ? { recorded: 1 } : notOnTheNotice });
      }

      // 2. A new round (the withdrawn ones off the board first, or the publication is refused for
      // listing them) published while an objection to the nomination left is filed.
      await shortlistedOnTheBoard(programmeId, 1);
      const mode: Mode = rnd() < 0.6 ? 'window' : 'loose';
      seen[mode]++;
      const fileTurns = Array.from({ length: 40 }, () => Math.floor(rnd() * 8));
      const filingFirst = mode === 'window' || rnd() < 0.5;
      const between = Math.floor(rnd() * 10);
      const published = whenDone();
      let gated = false;
      const fileSteps: Steps = {
        afterLoad: async (streamId) => {
          if (mode === 'window' && !gated && streamId === `public-notice-${programmeId}`) {
            gated = true;
            await published.done;
          } else await turns(fileTurns.shift() ?? 0);
        },
        beforeAppend: () => turns(fileTurns.shift() ?? 0),
      };
      const publish = () =>
        post('county.organizer', `/programmes/${programmeId}/notice`, {})
          .then((r) => ({ status: r.status, round: (r.body as { round?: number }).round }))
          .finally(published.finish);
      const fileOnTheSpare = () =>
        outcome(
          running.run(fileSteps, () =>
            file.execute({ programmeId, nominationId: spare, grounds: '该成员事迹另有出入', name: null, contact: null }, randomUUID()),
          ),
        );
      let filing: Promise<Outcome<{ trackingCode: string }>>;
      let publication: Promise<{ status: number; round: number | undefined }>;
      if (filingFirst) {
        filing = fileOnTheSpare();
        await turns(between);
        publication = publish();
      } else {
        publication = publish();
        await turns(between);
        filing = fileOnTheSpare();
      }
      const [spareFiling, republished] = await Promise.all([filing, publication]);
      expect({ seed, round, mode, republished }).toEqual({ seed, round, mode, republished: { status: 200, round: 2 } });
      expect({
        seed,
        round,
        mode,
        filed: 'ok' in spareFiling ? await objectionFiledWith(spareFiling.ok.trackingCode) : answered(spareFiling.refused),
      }).toEqual({
        seed,
        round,
        mode,
        filed: 1,
      });
      expect({ seed, round, onAnOlderRound: await filedOnAnOlderRound(programmeId) }).toEqual({ seed, round, onAnOlderRound: [] });
    }
    // Every interleaving the test forces was run (the seed decides how often each).
    expect({ seed, window: seen.window > 0, behind: seen.behind > 0 }).toEqual({ seed, window: true, behind: true });
  });
});
