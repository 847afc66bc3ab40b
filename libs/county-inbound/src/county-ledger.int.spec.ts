import { createTestSchema, useBuiltInPlannerSettings, type TestSchema } from '@vanguard/testing';
import { migrateCountyInbound } from './county-inbound.schema';
import { CountyLedger, decisionKey } from './county-ledger';

const DECIDED = 30_000;

// ADR 0133: the gate reads a batch's earlier decisions and subjects' last sequences by their
// primary keys, whatever the ledger holds: joined, the planner hashed the whole ledger (in parallel
// workers) for every batch once it held tens of thousands of decisions.
describe('CountyLedger.read (real Postgres)', () => {
  let db: TestSchema;
  const ledger = () => new CountyLedger(db.schema);

  beforeAll(async () => {
    db = await createTestSchema('county_ledger');
    await migrateCountyInbound(db.pool, { schema: db.schema });
    await db.pool.query(
      `insert into county_messages (county_client_id, message_id, message_type, subject, sequence, payload_sha256, outcome, code, reason)
       select 'county-a', 'm-' || i, 'RosterMemberSynced', 's-' || i, i, 'sha-' || i,
              case when i % 7 = 0 then 'refused' else 'applied' end, case when i % 7 = 0 then 'COUNTY.STALE' end, null
         from generate_series(1, $1::int) i`,
      [DECIDED],
    );
    await db.pool.query(
      `insert into county_subjects (county_client_id, subject, last_sequence) select 'county-a', 's-' || i, i from generate_series(1, $1::int) i`,
      [DECIDED],
    );
    await db.pool.query('analyze county_messages, county_subjects');
  });
  afterAll(() => db?.drop());

  it('read_ABatchOf500AgainstTensOfThousandsOfDecisions_AnswersEachByKeyWithoutScanningTheLedger', async () => {
    // Half of the batch decided before (ids 1..250 step 1, on both tables), half new.
    const ids = [...Array.from({ length: 250 }, (_, i) => i + 1), ...Array.from({ length: 250 }, (_, i) => DECIDED + 1 + i)];
    const messages = ids.map((i) => ({ clientId: 'county-a', messageId: `m-${i}` }));
    const subjects = ids.map((i) => ({ clientId: 'county-a', subject: `s-${i}` }));
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      // Postgres's built-in planner settings, whatever the server's: with a lower random_page_cost the old join, too, probes by key.
      await useBuiltInPlannerSettings(c);
      // This backend's counts not yet reported, earlier statements' among them: the difference is read's.
      const scans = async () =>
        (
          await c.query<{ relname: string; seq_scan: string }>(
            `select relname, seq_scan from pg_stat_xact_user_tables where schemaname = $1 and relname in ('county_messages', 'county_subjects') order by relname`,
            [db.schema],
          )
        ).rows.map((r) => Number(r.seq_scan));
      const before = await scans();
      const { decided, last } = await ledger().read(
        async (sql, params) => (await c.query<Record<string, unknown>>(sql, params)).rows,
        messages,
        subjects,
      );
      const after = await scans();
      await c.query('commit');

      expect(after.map((n, i) => n - before[i]!)).toEqual([0, 0]);
      expect(decided.size).toBe(250);
      expect(decided.get(decisionKey('county-a', 'm-7'))).toEqual({
        payloadSha256: 'sha-7',
        outcome: 'refused',
        code: 'COUNTY.STALE',
        reason: null,
      });
      expect(decided.get(decisionKey('county-a', 'm-8'))).toEqual({ payloadSha256: 'sha-8', outcome: 'applied', code: null, reason: null });
      expect(decided.has(decisionKey('county-a', `m-${DECIDED + 1}`))).toBe(false);
      expect(last.size).toBe(250);
      expect(last.get(decisionKey('county-a', 's-250'))).toBe(250);
      expect(last.has(decisionKey('county-a', `s-${DECIDED + 1}`))).toBe(false);
    } finally {
      c.release();
    }
  });
});
