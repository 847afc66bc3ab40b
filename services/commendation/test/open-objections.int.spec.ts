import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ParkedEvents } from '@vanguard/event-store';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { ObjectionsIncompleteError, SqlNominationReadModel } from '../src/infrastructure/projection/sql-nomination.read-model';
import { prepareCommendationTestDatabase } from './support/commendation-test-app';

describe(SqlNominationReadModel.name, () => {
  let pool: Pool;
  const subscription = `test.caught-up.${randomUUID()}`;

  beforeAll(async () => {
    await prepareCommendationTestDatabase();
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
    // A subscription that has passed everything: the catch-up wait is not what this suite tests.
    await pool.query(
      `insert into subscription_checkpoints (subscription, transaction_id, position) values ($1, pg_current_xact_id(), 9223372036854775807)`,
      [subscription],
    );
  });
  afterAll(async () => {
    await pool?.query(`delete from subscription_checkpoints where subscription = $1`, [subscription]).catch(() => undefined);
    await pool?.end();
  });

  it('openObjections_CountsAnUpheldObjectionAgainstTheNominationDecided_AsOpen_ButNotOneAgainstAnother', async () => {
    const programmeId = randomUUID();
    const [decided, other] = [randomUUID(), randomUUID()];
    const insert = (nominationId: string, status: string) =>
      pool.query(
        `insert into objection_view (objection_id, tracking_code, programme_id, nomination_id, awarding_org_id, round, status, filed_on, grounds, version, updated_at)
         values ($1, $2, $3, $4, $3, 1, $5, '2011-06-03', 'x', 2, now())`,
        [randomUUID(), randomUUID().slice(0, 14).toUpperCase(), programmeId, nominationId, status],
      );
    await insert(decided, 'upheld');
    await insert(other, 'upheld');
    await insert(other, 'dismissed');
    const sut = new SqlNominationReadModel(pool, subscription);

    expect(await sut.openObjections(programmeId, decided)).toHaveLength(1);
    expect(await sut.openObjections(programmeId, randomUUID())).toHaveLength(0);
    await insert(other, 'assigned');
    expect(await sut.openObjections(programmeId, randomUUID())).toHaveLength(1);
  });

  it('objectionsFor_ReadsTheClosedObjectionsBesideTheOpenOnes_SoADecisionRecordsWhatItFoundClosed', async () => {
    const programmeId = randomUUID();
    const [decided, other] = [randomUUID(), randomUUID()];
    const insert = async (nominationId: string, status: string) => {
      const id = randomUUID();
      await pool.query(
        `insert into objection_view (objection_id, tracking_code, programme_id, nomination_id, awarding_org_id, round, status, filed_on, grounds, version, updated_at)
         values ($1, $2, $3, $4, $3, 1, $5, '2011-06-03', 'x', 3, now())`,
        [id, randomUUID().slice(0, 14).toUpperCase(), programmeId, nominationId, status],
      );
      return { streamId: `objection-${id}`, version: 3 };
    };
    const upheldAgainstIt = await insert(decided, 'upheld');
    const upheldAgainstAnother = await insert(other, 'upheld');
    const dismissed = await insert(decided, 'dismissed');
    const sut = new SqlNominationReadModel(pool, subscription);

    const found = await sut.objectionsFor(programmeId, decided);

    expect(found.open).toEqual([upheldAgainstIt]);
    expect(found.closed).toEqual(expect.arrayContaining([upheldAgainstAnother, dismissed]));
    expect(found.closed).toHaveLength(2);
  });

  it('objectionsFor_WhenAnObjectionEventWasParked_RefusesRatherThanDecideWithoutIt', async () => {
    // A projection name of this test's own: a parked row for the real one would stop every suite's decisions.
    const projection = `test.public-notice.${randomUUID()}`;
    const sut = new SqlNominationReadModel(pool, subscription, 5000, projection);
    const programmeId = randomUUID();
    expect(await sut.objectionsFor(programmeId, randomUUID())).toEqual({ open: [], closed: [] });
    await new ParkedEvents('commendation').ensureTable(pool);
    // A parked notice event does not hold decisions up: they read the notice from its stream.
    await pool.query(
      `insert into projection_parked_events (projection, event_id, stream_id, type, code, reason) values ($1, $2, $3, 'commendation.NoticePublished', '22001', 'x')`,
      [projection, randomUUID(), `public-notice-${programmeId}`],
    );
    expect(await sut.objectionsFor(programmeId, randomUUID())).toEqual({ open: [], closed: [] });
    await pool.query(
      `insert into projection_parked_events (projection, event_id, stream_id, type, code, reason) values ($1, $2, $3, 'commendation.ObjectionFiled', '22008', 'x')`,
      [projection, randomUUID(), `objection-${randomUUID()}`],
    );
    try {
      await expect(sut.objectionsFor(programmeId, randomUUID())).rejects.toBeInstanceOf(ObjectionsIncompleteError);
      await expect(new SqlNominationReadModel(pool, subscription).objectionsFor(programmeId, randomUUID())).resolves.toEqual({
        open: [],
        closed: [],
      });
    } finally {
      await pool.query(`delete from projection_parked_events where projection = $1`, [projection]);
    }
  });
});
