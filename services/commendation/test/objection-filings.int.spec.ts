import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { seededRandom } from '@vanguard/testing';
import type { ObjectionFilingsPort } from '../src/application/ports/objection-filings.port';
import { ObjectionFilingsBusyError, PgObjectionFilings } from '../src/infrastructure/public-notice/pg-objection-filings';

// The promise of ADR 0113: a decision whose clock is past the notice's last day reads every
// objection judged in time. Filings and a decision race around "midnight" over real Postgres
// locks: a filing reads the clock, takes a few round trips, and records itself if it was in time;
// the decision reads the clock after midnight, passes `settled`, and reads what is recorded.

const ROUNDS = 40;

describe(PgObjectionFilings.name, () => {
  const url = infraConfig().testDatabaseUrl;
  const table = `objection_filings_race_${randomUUID().replace(/-/g, '')}`;
  let store: Pool;
  let filings: PgObjectionFilings;

  beforeAll(async () => {
    store = new Pool({ connectionString: url, max: 10 });
    await store.query(`create table public.${table} (programme_id uuid not null, filing int not null)`);
    filings = new PgObjectionFilings(url, 2_000);
  });
  afterAll(async () => {
    await store?.query(`drop table if exists public.${table}`);
    await store?.end();
    await filings?.onModuleDestroy();
  });

  /** One round; what the decision read beside what was recorded in time in the end. */
  async function race(port: ObjectionFilingsPort, random: () => number) {
    const programmeId = randomUUID();
    let midnight = false;
    // Round trips to the database, as a handler's reads and append take: where interleavings happen.
    const trips = async (most: number) => {
      for (let i = Math.floor(random() * (most + 1)); i > 0; i--) await store.query('select 1');
    };
    const file = (n: number) =>
      port.during(programmeId, async () => {
        const inTime = !midnight;
        await trips(4);
        if (inTime) await store.query(`insert into public.${table} values ($1, $2)`, [programmeId, n]);
      });
    const decide = async () => {
      await trips(3);
      midnight = true;
      await port.settled(programmeId);
      await trips(1);
      const { rows } = await store.query<{ filing: number }>(`select filing from public.${table} where programme_id = $1`, [programmeId]);
      return rows.map((r) => r.filing).sort((a, b) => a - b);
    };
    const count = 2 + Math.floor(random() * 7);
    const [read] = await Promise.all([decide(), ...Array.from({ length: count }, (_, n) => file(n))]);
    const { rows } = await store.query<{ filing: number }>(`select filing from public.${table} where programme_id = $1`, [programmeId]);
    return { read, recorded: rows.map((r) => r.filing).sort((a, b) => a - b) };
  }

  it('settled_LetsADecisionReadEveryFilingJudgedInTime_OverManyInterleavings', async () => {
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

  it('settled_WaitsForAFilingInFlight_AndRefusesWithAReasonOnceItsWaitIsOver', async () => {
    const programmeId = randomUUID();
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const filing = filings.during(programmeId, async () => {
      entered();
      await held;
      return 'filed';
    });
    await inside;
    await expect(filings.settled(programmeId)).rejects.toBeInstanceOf(ObjectionFilingsBusyError);
    // Another programme's decision is not held up by this filing.
    await filings.settled(randomUUID());
    finish();
    expect(await filing).toBe('filed');
    await filings.settled(programmeId);
    // Nothing is left locked or open once both have ended.
    const { rows } = await store.query<{ n: number }>(
      `select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = hashtext($1)::oid`,
      [programmeId],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('during_LetsGoOfItsLock_WhenTheFilingFails', async () => {
    const programmeId = randomUUID();
    await expect(filings.during(programmeId, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await filings.settled(programmeId);
  });
});
