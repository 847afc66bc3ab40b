import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DeciderStreams, migrate, PostgresEventStore, type StreamContext } from '@vanguard/event-store';
import { infraConfig, isOutOfReach } from '@vanguard/infra-config';
import { createTestSchema, CuttingProxy, seededRandom, waitUntil, type TestSchema } from '@vanguard/testing';
import type { ObjectionFilingsPort } from '../src/application/ports/objection-filings.port';
import type { StreamsPort } from '../src/application/ports/streams.port';
import { ObjectionFilingsBusyError } from '../src/application/ports/objection-filings.port';
import { PgObjectionFilings } from '../src/infrastructure/public-notice/pg-objection-filings';

// The promise of ADR 0113: a decision whose clock is past the notice's last day reads every
// objection judged in time, and a filing is judged by when it was sent. Filings and a decision
// race around "midnight" over real Postgres locks: a filing reads the clock on arrival, takes a
// few round trips inside its lock, and records itself if it arrived in time; the decision, once
// the clock is past midnight and its grace, reads what is recorded, alone; what it read is checked
// against what was recorded in time once every filing has ended (a filing turned away busy is
// recorded nowhere, and told to send it again). A filing records itself as the handlers do:
// appended to an event store through the streams its run is given.

const ROUNDS = 40;

describe(PgObjectionFilings.name, () => {
  const url = infraConfig().testDatabaseUrl;
  let store: Pool;
  let db: TestSchema;
  let streams: DeciderStreams;
  let filings: PgObjectionFilings;
  const ctx: StreamContext = { actor: { sub: 'objector', roles: [] }, orgId: randomUUID(), correlationId: randomUUID() };
  // The adapters' clock: noon in China unless a test moves it (a real clock would meet midnight in some CI run).
  const MIDNIGHT = Date.parse('2011-06-07T16:00:00Z');
  const WAIT_MS = 2_000;
  const GRACE_MS = 2 * WAIT_MS + 5_000;
  let clock = MIDNIGHT - 12 * 3_600_000;
  const now = () => new Date(clock);
  beforeEach(() => (clock = MIDNIGHT - 12 * 3_600_000));

  beforeAll(async () => {
    store = new Pool({ connectionString: url, max: 10 });
    db = await createTestSchema('objection_filings');
    await migrate(db.pool, { schema: db.schema });
    streams = new DeciderStreams(new PostgresEventStore(db.pool, { schema: db.schema }));
    filings = new PgObjectionFilings(url, streams, WAIT_MS, undefined, now);
  });
  afterAll(async () => {
    await store?.end();
    await filings?.onModuleDestroy();
    await db?.drop();
  });

  /** A filing as the handlers record one: appended through the streams its run was given. */
  const record = (locked: { append: DeciderStreams['append'] }, programmeId: string, filing: number) =>
    locked.append(`objection-${randomUUID()}`, [{ type: 'test.ObjectionFiled', data: { programmeId, filing } }], 0, ctx);

  async function recordedFor(programmeId: string): Promise<number[]> {
    const { rows } = await store.query<{ filing: number }>(
      `select (data->>'filing')::int as filing from "${db.schema}".events_view where type = 'test.ObjectionFiled' and data->>'programmeId' = $1`,
      [programmeId],
    );
    return rows.map((r) => r.filing).sort((a, b) => a - b);
  }

  /** A run of `mode` that holds the lock until released, once it has it. */
  async function held(mode: (programmeId: string, run: () => Promise<string>) => Promise<string>, programmeId: string) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const running = mode(programmeId, async () => {
      entered();
      await released;
      return 'held';
    });
    await inside;
    return { release, running };
  }

  async function advisoryLocksOf(programmeId: string): Promise<number> {
    const { rows } = await store.query<{ n: number }>(
      `select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = hashtext($1)::oid`,
      [programmeId],
    );
    return rows[0]!.n;
  }

  /** One round; what the decision read beside what was recorded in time in the end. */
  async function race(port: ObjectionFilingsPort, random: () => number) {
    const programmeId = randomUUID();
    clock = MIDNIGHT - 1_000;
    // Round trips to the database, as a handler's reads and append take: where interleavings happen.
    const trips = async (most: number) => {
      for (let i = Math.floor(random() * (most + 1)); i > 0; i--) await store.query('select 1');
    };
    const file = async (n: number) => {
      await trips(2);
      const arrivedAt = now();
      const inTime = arrivedAt.getTime() < MIDNIGHT;
      await port
        .during(programmeId, arrivedAt, async (locked) => {
          await trips(4);
          if (inTime) await record(locked, programmeId, n);
        })
        .catch((e: unknown) => {
          if (!(e instanceof ObjectionFilingsBusyError)) throw e;
        });
    };
    const decide = async () => {
      // Long enough for some filings to hold their locks first, short enough that others arrive in time and wait behind it.
      await trips(10);
      // The awarding body asks once the day after the last one has run past its grace.
      clock = MIDNIGHT + GRACE_MS + 1;
      return port.alone(programmeId, async () => {
        // Held a while: filings sent before midnight come to the lock now and wait behind it.
        await trips(6);
        return recordedFor(programmeId);
      });
    };
    const count = 2 + Math.floor(random() * 7);
    const [read] = await Promise.all([decide(), ...Array.from({ length: count }, (_, n) => file(n))]);
    return { read, recorded: await recordedFor(programmeId) };
  }

  it('alone_LetsADecisionReadEveryFilingJudgedInTime_OverManyInterleavings', async () => {
    const seed = Date.now();
    const random = seededRandom(seed);
    let recordedInAll = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { read, recorded } = await race(filings, random);
      recordedInAll += recorded.length;
      expect({ seed, round, read }).toEqual({ seed, round, read: recorded });
    }
    // Rounds in which nothing was in time would prove nothing.
    expect(recordedInAll).toBeGreaterThan(0);
  });

  it('alone_WaitsForAFilingInFlight_AndRefusesWithAReasonOnceItsWaitIsOver', async () => {
    const programmeId = randomUUID();
    const { release, running } = await held((id: string, run: () => Promise<string>) => filings.during(id, now(), run), programmeId);
    await expect(filings.alone(programmeId, () => Promise.resolve('decided'))).rejects.toBeInstanceOf(ObjectionFilingsBusyError);
    // Another programme's decision is not held up by this filing; other filings of this one are not either.
    expect(await filings.alone(randomUUID(), () => Promise.resolve('decided'))).toBe('decided');
    expect(await filings.during(programmeId, now(), () => Promise.resolve('filed'))).toBe('filed');
    release();
    expect(await running).toBe('held');
    expect(await filings.alone(programmeId, () => Promise.resolve('decided'))).toBe('decided');
    expect(await advisoryLocksOf(programmeId)).toBe(0);
  });

  it('during_WaitsForADecisionRunningAlone_AndRefusesOnceItsWaitIsOver', async () => {
    const programmeId = randomUUID();
    const { release, running } = await held(filings.alone.bind(filings), programmeId);
    await expect(filings.during(programmeId, now(), () => Promise.resolve('filed'))).rejects.toBeInstanceOf(ObjectionFilingsBusyError);
    release();
    expect(await running).toBe('held');
    expect(await filings.during(programmeId, now(), () => Promise.resolve('filed'))).toBe('filed');
    expect(await advisoryLocksOf(programmeId)).toBe(0);
  });

  it('during_LetsGoOfItsLock_WhenTheFilingFails', async () => {
    const programmeId = randomUUID();
    await expect(filings.during(programmeId, now(), () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await advisoryLocksOf(programmeId)).toBe(0);
    expect(await filings.alone(programmeId, () => Promise.resolve('decided'))).toBe('decided');
  });

  it('aHolderThatStopsAnswering_LosesItsLockToTheDatabase_AndWhatItAppendedWithIt_AndTheNextDecisionRuns', async () => {
    // A holder whose run never comes back to its lock (its host gone, say): the database ends its idle transaction.
    const short = new PgObjectionFilings(url, streams, WAIT_MS, 500, now);
    try {
      const programmeId = randomUUID();
      const stranded = short.during(programmeId, now(), async (locked) => {
        await record(locked, programmeId, 1);
        return waitUntil('the database to end the stranded holder', async () => (await advisoryLocksOf(programmeId)) === 0, {
          timeoutMs: 20_000,
        });
      });
      // The run came back without its lock: what it appended went with it, and the caller hears an outage.
      const failed = await stranded.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isOutOfReach(failed)).toBe(true);
      expect(await filings.alone(programmeId, () => recordedFor(programmeId))).toEqual([]);
    } finally {
      await short.onModuleDestroy();
    }
  });

  it('during_KeepsNothingAppendedOnceItsLockConnectionEnded_WhileADecisionTookTheLockMeanwhile', async () => {
    // The lock's backend ended mid-run (a failover, an operator, a cut the server noticed).
    const programmeId = randomUUID();
    let proceed!: () => void;
    const go = new Promise<void>((r) => (proceed = r));
    let inside = false;
    const filing = filings.during(programmeId, now(), async (locked) => {
      inside = true;
      await go;
      return record(locked, programmeId, 1);
    });
    await waitUntil('the filing to hold its lock', () => inside);
    const { rows } = await store.query<{ pid: number }>(
      `select pid from pg_locks where locktype = 'advisory' and granted and objid = hashtext($1)::oid`,
      [programmeId],
    );
    expect(rows).toHaveLength(1);
    await store.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    try {
      clock = MIDNIGHT + GRACE_MS + 1;
      expect(await filings.alone(programmeId, () => recordedFor(programmeId))).toEqual([]);
    } finally {
      proceed();
    }
    // As an outage: the caller may send it again.
    const failed = await filing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutOfReach(failed)).toBe(true);
    expect(await recordedFor(programmeId)).toEqual([]);
  });

  it('during_AnswersWhatItRecorded_WhenItsCommitsAnswerWasLostAfterItCommitted', async () => {
    // A relay in front of Postgres cuts the lock's connection right after the server answered its COMMIT.
    const target = new URL(url);
    const proxy = await CuttingProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    const cut = new PgObjectionFilings(through.toString(), streams, WAIT_MS, undefined, now);
    try {
      const programmeId = randomUUID();
      const filed = cut.during(programmeId, now(), async (locked) => {
        const version = await record(locked, programmeId, 1);
        proxy.cutAfterAnswerTo('commit');
        return version;
      });
      await expect(filed).resolves.toBe(1);
      expect(proxy.cuts).toBe(1);
      expect(await recordedFor(programmeId)).toEqual([1]);
      expect(await advisoryLocksOf(programmeId)).toBe(0);
    } finally {
      await cut.onModuleDestroy();
      await proxy.close();
    }
  });

  it('during_RefusesAnAppendThroughStreamsKeptPastTheRun', async () => {
    // Kept, they would append in the next run's transaction on that pooled connection, under its lock.
    const programmeId = randomUUID();
    let kept: StreamsPort | undefined;
    await filings.during(programmeId, now(), (locked) => Promise.resolve(void (kept = locked)));
    await expect(record(kept!, programmeId, 1)).rejects.toThrow(/no longer held/);
    expect(await recordedFor(programmeId)).toEqual([]);
  });

  it('during_RefusesAsBusy_AFilingWhoseAppendWaitedOutItsLockTimeoutOnItsStream', async () => {
    // Another writer holds the objection's stream, uncommitted, past the filing's wait.
    const programmeId = randomUUID();
    const stream = `objection-${randomUUID()}`;
    const rival = await db.pool.connect();
    try {
      await rival.query('begin');
      await streams.inTransaction(rival).append(stream, [{ type: 'test.ObjectionFiled', data: { programmeId, filing: 0 } }], 0, ctx);
      await expect(
        filings.during(programmeId, now(), (locked) =>
          locked.append(stream, [{ type: 'test.ObjectionFiled', data: { programmeId, filing: 1 } }], 0, ctx),
        ),
      ).rejects.toMatchObject({ behind: 'crowd' });
    } finally {
      await rival.query('rollback');
      rival.release();
    }
    expect(await recordedFor(programmeId)).toEqual([]);
    expect(await advisoryLocksOf(programmeId)).toBe(0);
  });

  it('during_RefusesAsMoving_AFilingWhoseTransactionIdIsOlderThanARivalAppendToItsStream_AndKeepsNothing', async () => {
    // The run's first append gives its transaction an id; a rival then appends to the second
    // stream and commits with a newer one: the run's append to that stream would break its order.
    const programmeId = randomUUID();
    const second = `objection-${randomUUID()}`;
    await expect(
      filings.during(programmeId, now(), async (locked) => {
        await record(locked, programmeId, 1);
        await streams.append(second, [{ type: 'test.ObjectionFiled', data: { programmeId: 'rival', filing: 0 } }], 0, ctx);
        await locked.append(second, [{ type: 'test.ObjectionFiled', data: { programmeId, filing: 2 } }], 1, ctx);
      }),
    ).rejects.toMatchObject({ behind: 'moving', retryAfterSec: 1 });
    expect(await recordedFor(programmeId)).toEqual([]);
    expect(await advisoryLocksOf(programmeId)).toBe(0);
  });

  it('during_FailsARunWhoseTransactionAnErrorAborted_ThoughTheRunSwallowedIt_AndKeepsNothing', async () => {
    // A run cannot take an aborted transaction's end for a commit (Postgres answers its COMMIT
    // ROLLBACK, not an error). Streams whose append writes, then aborts the lock's transaction as a
    // failed statement outside a savepoint would, and answers as if nothing went wrong.
    const aborting = new PgObjectionFilings(
      url,
      {
        inTransaction: (client) => {
          const real = streams.inTransaction(client);
          return {
            ...real,
            append: async (...a: Parameters<typeof real.append>) => {
              const next = await real.append(...a);
              await client.query('select 1/0').catch(() => undefined);
              return next;
            },
          };
        },
      },
      WAIT_MS,
      undefined,
      now,
    );
    const programmeId = randomUUID();
    try {
      await expect(filings.during(programmeId, now(), (locked) => record(locked, programmeId, 1))).resolves.toBe(1);
      await expect(aborting.during(programmeId, now(), (locked) => record(locked, programmeId, 2))).rejects.toThrow(/aborted|rolled back/);
      expect(await recordedFor(programmeId)).toEqual([1]);
      expect(await advisoryLocksOf(programmeId)).toBe(0);
    } finally {
      await aborting.onModuleDestroy();
    }
  });

  it('during_RefusesAFilingThatHeldItsLockOnlyPastTheGraceOfItsArrival_AndRunsNothing', async () => {
    const programmeId = randomUUID();
    const arrivedAt = now();
    clock += GRACE_MS + 1;
    let ran = false;
    await expect(filings.during(programmeId, arrivedAt, () => Promise.resolve((ran = true)))).rejects.toMatchObject({
      behind: 'late-lock',
    });
    expect(ran).toBe(false);
    clock -= 2;
    expect(await filings.during(programmeId, arrivedAt, () => Promise.resolve('filed'))).toBe('filed');
    expect(await advisoryLocksOf(programmeId)).toBe(0);
  });

  it('alone_RefusesADecisionInTheGraceAfterMidnight_SayingHowLongToWait_AndDecidesAfterIt', async () => {
    const programmeId = randomUUID();
    let ran = false;
    for (const [at, retryAfterSec] of [
      [MIDNIGHT, GRACE_MS / 1000],
      [MIDNIGHT + 1, GRACE_MS / 1000],
      [MIDNIGHT + GRACE_MS - 1_000, 1],
      [MIDNIGHT + GRACE_MS - 1, 1],
    ] as const) {
      clock = at;
      await expect(filings.alone(programmeId, () => Promise.resolve((ran = true)))).rejects.toMatchObject({
        behind: 'day-turn',
        retryAfterSec,
      });
    }
    expect(ran).toBe(false);
    for (const at of [MIDNIGHT + GRACE_MS, MIDNIGHT - 1]) {
      clock = at;
      expect(await filings.alone(programmeId, () => Promise.resolve('decided'))).toBe('decided');
    }
    expect(await advisoryLocksOf(programmeId)).toBe(0);
  });
});
