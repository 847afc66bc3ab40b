import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { ContractEvent, CountyRosterMemberRemoved, CountyRosterMemberSynced, EventEnvelope } from '@vanguard/contracts';
import type { CountyMessage, CountyOutcome } from '@vanguard/county-inbound';
import { demoOrgId } from '@vanguard/infra-config';
import { isNoVerdict } from '@vanguard/messaging';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { CountyBatchLostRace, CountyRosterHandler } from '../src/application/county/county-roster.handler';
import { addDays } from '../src/domain/shared/day';
import { TRANSFER_ENDINGS } from '../src/domain/transfer/member-transfer.aggregate';
import { PgCountyRosterStore } from '../src/infrastructure/county/pg-county-roster.store';
import { TreeCountyScope } from '../src/infrastructure/county/tree-county-scope';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { UuidIdGenerator } from '../src/infrastructure/system/uuid-id-generator';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const SONGLING = demoOrgId('910425');
const HEKOU = demoOrgId('910426');
const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');
const SENDER = { clientId: 'county-songling', sub: 'sa-songling', countyOrgId: SONGLING };
const HEKOU_SENDER = { clientId: 'county-hekou', sub: 'sa-hekou', countyOrgId: HEKOU };

type Synced = ContractEvent<typeof CountyRosterMemberSynced>;
type Removed = ContractEvent<typeof CountyRosterMemberRemoved>;

const message = <E extends EventEnvelope>(type: string, data: E['data'], sequence: number, sender = SENDER): CountyMessage<E> => {
  const messageId = randomUUID();
  const subject = `roster-member-${(data as { memberId: string }).memberId}`;
  return {
    messageId,
    subject,
    sequence,
    sender,
    receivedAt: new Date(),
    event: {
      eventId: messageId,
      type,
      version: 1,
      streamId: subject,
      streamVersion: sequence,
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
      actor: { sub: sender.sub, roles: ['county_system'], orgId: sender.countyOrgId, kind: 'service' },
      orgId: sender.countyOrgId,
      correlationId: randomUUID(),
      causationId: null,
      data,
    } as unknown as E,
  };
};

const synced = (memberId: string, over: Partial<Synced['data']> = {}, sequence = 1, sender = SENDER) =>
  message<Synced>(
    'county.RosterMemberSynced',
    { memberId, orgId: HONGSHI, name: '张三', status: 'probationary', joinedOn: '2020-07-01', roles: [], posts: [], ...over },
    sequence,
    sender,
  );
const removed = (memberId: string, sequence: number, sender = SENDER) =>
  message<Removed>('county.RosterMemberRemoved', { memberId, orgId: HONGSHI, removedOn: '2026-01-05', reason: '出党' }, sequence, sender);

// The roster sync's decisions and writes against the real schema (the gate in front of it is
// libs/county-inbound's; test/county-inbound.int.spec.ts runs both through Kafka).
describe(CountyRosterHandler.name, () => {
  let db: TestSchema;
  let client: PoolClient;
  let sut: CountyRosterHandler<PoolClient>;

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_county_roster');
    client = await db.pool.connect();
    const scope = new TreeCountyScope((sql, params) => db.pool.query(sql, params).then((r) => r.rows as never));
    sut = new CountyRosterHandler(new PgCountyRosterStore(new SystemClock()), scope.within, new UuidIdGenerator(), new SystemClock());
  });

  afterAll(async () => {
    client?.release();
    await db?.drop();
  });

  const inTx = async <T>(work: () => Promise<T>): Promise<T> => {
    await client.query('begin');
    try {
      const out = await work();
      await client.query('commit');
      return out;
    } catch (e) {
      await client.query('rollback');
      throw e;
    }
  };
  const memberIdOf = (o: CountyOutcome) => (o.outcome === 'applied' ? o.result!['memberId']! : `refused ${o.code}`);
  const outbox = async (memberId: string) =>
    (
      await db.pool.query<{ event_type: string; envelope: EventEnvelope }>(
        `select event_type, envelope from vanguard_outbox where stream_id = $1 order by (envelope->>'streamVersion')::int`,
        [`member-${memberId}`],
      )
    ).rows;

  it('registers and links a member on the first sync of a county id, with MemberJoined and CountyMemberLinked in the outbox', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const outcomes = await inTx(() =>
      sut.synced([synced(a), synced(b, { name: '李四', roles: ['secretary'], posts: ['pioneer_post'] })], client),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied']);
    const memberB = memberIdOf(outcomes[1]!);
    expect(memberB).not.toBe(b);
    const { rows } = await db.pool.query(
      `select m.name, m.org_id, m.roles, m.posts, l.county_member_id from members m join county_member_links l on l.member_id = m.id where m.id = $1`,
      [memberB],
    );
    expect(rows).toEqual([{ name: '李四', org_id: HONGSHI, roles: ['secretary'], posts: ['pioneer_post'], county_member_id: b }]);
    const events = await outbox(memberB);
    expect(events.map((e) => [e.event_type, e.envelope.streamVersion])).toEqual([
      ['organization.MemberJoined', 1],
      ['organization.CountyMemberLinked', 2],
    ]);
    expect(events[1]!.envelope.data).toEqual({ countyClientId: 'county-songling', countyMemberId: b, memberId: memberB, orgId: HONGSHI });
    expect(events[1]!.envelope.actor).toMatchObject({ sub: 'sa-songling', orgId: SONGLING, kind: 'service' });
  });

  it('restates a linked member: a move is a completed transfer, added roles are assigned, removed ones dropped, status and name follow', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county, { roles: ['party_worker'] })], client));
    const memberId = memberIdOf(first!);
    const [second] = await inTx(() =>
      sut.synced(
        [synced(county, { orgId: BAIHUA, name: '张三丰', status: 'full', roles: ['secretary'], posts: ['model_post'] }, 2)],
        client,
      ),
    );
    expect(second).toEqual({ outcome: 'applied', result: { memberId } });
    const { rows } = await db.pool.query(`select org_id, name, status, roles, posts, version from members where id = $1`, [memberId]);
    expect(rows[0]).toEqual({ org_id: BAIHUA, name: '张三丰', status: 'full', roles: ['secretary'], posts: ['model_post'], version: 2 });
    const transfers = await db.pool.query(`select from_org_id, to_org_id, status from member_transfers where member_id = $1`, [memberId]);
    expect(transfers.rows).toEqual([{ from_org_id: HONGSHI, to_org_id: BAIHUA, status: 'completed' }]);
    expect((await outbox(memberId)).map((e) => e.event_type)).toEqual([
      'organization.MemberJoined',
      'organization.CountyMemberLinked',
      'organization.MemberTransferred',
      'organization.MemberBecameFull',
      'organization.MemberRoleAssigned',
      'organization.VanguardPostGranted',
    ]);
  });

  it('saves a record that changes a name and the status (转正), each a line of history (ADR 0150); the 转正 is also MemberBecameFull dated today (ADR 0155)', async () => {
    const today = new SystemClock().today();
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county, { roles: ['party_worker'] })], client));
    const memberId = memberIdOf(first!);
    const [second] = await inTx(() => sut.synced([synced(county, { name: '张山', status: 'full', roles: [] }, 2)], client));
    expect(second).toEqual({ outcome: 'applied', result: { memberId } });
    const { rows } = await db.pool.query(`select name, status, version from members where id = $1`, [memberId]);
    expect(rows[0]).toEqual({ name: '张山', status: 'full', version: 2 });
    const history = await db.pool.query(`select on_day::text as on, kind, detail from member_history where member_id = $1 order by id`, [
      memberId,
    ]);
    expect(history.rows.slice(-3)).toEqual([
      { on: today, kind: 'renamed', detail: synced(county).event.data.name },
      { on: today, kind: 'status_changed', detail: 'full' },
      { on: today, kind: 'role_removed', detail: 'party_worker' },
    ]);
    expect((await outbox(memberId)).filter((e) => e.event_type === 'organization.MemberBecameFull').map((e) => e.envelope.data)).toEqual([
      { memberId, orgId: HONGSHI, fullOn: today },
    ]);

    // Dated when learned, they bound no removal: the county's earlier leaving day applies.
    const [left] = await inTx(() => sut.removed([removed(county, 3)], client));
    expect(left).toEqual({ outcome: 'applied', result: { memberId } });
  });

  it('records a role the record drops in the organisation it was held in when the record also moves him (ADR 0150)', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county, { roles: ['secretary'] })], client));
    const memberId = memberIdOf(first!);
    await inTx(() => sut.synced([synced(county, { orgId: BAIHUA, roles: ['party_worker'] }, 2)], client));
    const lines = await db.pool.query<{ kind: string; org_id: string; detail: string }>(
      `select kind, org_id, detail from member_history where member_id = $1 and kind like 'role%' order by id`,
      [memberId],
    );
    expect(lines.rows).toEqual([
      { kind: 'role_removed', org_id: HONGSHI, detail: 'secretary' },
      { kind: 'role_assigned', org_id: BAIHUA, detail: 'party_worker' },
    ]);
  });

  it('bounds a removal by the latest line that bounds one, not by a correction recorded after it (ADR 0150)', async () => {
    const today = new SystemClock().today();
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    await inTx(() => sut.synced([synced(county, { roles: ['secretary'] }, 2)], client));
    await inTx(() => sut.synced([synced(county, { name: '张山', roles: ['secretary'] }, 3)], client));
    const kinds = await db.pool.query<{ kind: string }>(`select kind from member_history where member_id = $1 order by id`, [memberId]);
    expect(kinds.rows.map((r) => r.kind)).toEqual(['joined', 'role_assigned', 'renamed']);

    const [early] = await inTx(() => sut.removed([removed(county, 4)], client));

    expect(early).toMatchObject({ outcome: 'refused', code: 'MEMBER.LEFT_ON_OUT_OF_RANGE' });
    expect(early!.outcome === 'refused' && early!.reason).toContain(`history runs to ${today} (role assigned)`);
  });

  it('refuses with the domain rule’s code and goes on with the batch: a join in the future, a year 0000, an unknown organisation', async () => {
    const ok = randomUUID();
    // Year 0000 passes the contract's pattern; stored, Postgres refused it and with it the whole batch.
    const outcomes = await inTx(() =>
      sut.synced(
        [
          synced(randomUUID(), { joinedOn: '2098-01-01' }),
          synced(randomUUID(), { joinedOn: '0000-01-01' }),
          synced(randomUUID(), { orgId: randomUUID() }),
          synced(ok),
        ],
        client,
      ),
    );
    expect(outcomes.map((o) => (o.outcome === 'refused' ? o.code : o.outcome))).toEqual([
      'MEMBER.JOINED_IN_FUTURE',
      'DAY.INVALID',
      'ORGANIZATION.NOT_FOUND',
      'applied',
    ]);
    const links = await db.pool.query(`select count(*)::int as n from county_member_links`);
    expect(links.rows[0].n).toBeGreaterThan(0);
  });

  it('applies two messages of one county id in one batch in order: the second restates the member the first registered', async () => {
    const county = randomUUID();
    const [a, b] = await inTx(() => sut.synced([synced(county), synced(county, { status: 'full' }, 2)], client));
    expect(memberIdOf(b!)).toBe(memberIdOf(a!));
    const { rows } = await db.pool.query(`select status, version from members where id = $1`, [memberIdOf(a!)]);
    expect(rows[0]).toEqual({ status: 'full', version: 1 });
  });

  it('lets a removed member leave once; a later sync is refused, as is a removal of a county id never synced', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const [left, unknown] = await inTx(() => sut.removed([removed(county, 2), removed(randomUUID(), 1)], client));
    expect(left).toEqual({ outcome: 'applied', result: { memberId } });
    expect(unknown).toMatchObject({ outcome: 'refused', code: 'MEMBER.NOT_FOUND' });
    const [again] = await inTx(() => sut.synced([synced(county, {}, 3)], client));
    expect(again).toMatchObject({ outcome: 'refused', code: 'MEMBER.NOT_ACTIVE' });
    const { rows } = await db.pool.query(`select membership from members where id = $1`, [memberId]);
    expect(rows[0].membership).toBe('left');
    // No transfer was open: MemberLeft and no MemberTransferCancelled.
    expect((await outbox(memberId)).map((e) => e.event_type).at(-1)).toBe('organization.MemberLeft');
    expect((await outbox(memberId)).filter((e) => e.event_type === 'organization.MemberTransferCancelled')).toEqual([]);
  });

  it('refuses a record that names another joining day, applying none of it, where it was dropped while the reply said applied', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county, { joinedOn: '2010-07-01', name: '钱七' })], client));
    const memberId = memberIdOf(first!);
    const [changed] = await inTx(() => sut.synced([synced(county, { joinedOn: '2015-03-15', name: '钱七改' }, 2)], client));
    expect(changed).toMatchObject({ outcome: 'refused', code: 'MEMBER.JOINED_ON_DIFFERS' });
    const { rows } = await db.pool.query(`select name, joined_on::text from members where id = $1`, [memberId]);
    expect(rows[0]).toEqual({ name: '钱七', joined_on: '2010-07-01' });
  });

  it('refuses a removal dated after today or before the member joined, and keeps him active with no event', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const at = (removedOn: string, sequence: number) => {
      const m = removed(county, sequence);
      return { ...m, event: { ...m.event, data: { ...m.event.data, removedOn } } };
    };
    const outcomes = await inTx(() => sut.removed([at('2099-12-31', 2), at('1900-01-01', 3)], client));
    expect(outcomes.map((o) => o.outcome === 'refused' && o.code)).toEqual(['MEMBER.LEFT_ON_OUT_OF_RANGE', 'MEMBER.LEFT_ON_OUT_OF_RANGE']);
    const { rows } = await db.pool.query(`select membership from members where id = $1`, [memberId]);
    expect(rows[0].membership).toBe('active');
    expect((await outbox(memberId)).filter((e) => e.event_type === 'organization.MemberLeft')).toEqual([]);
  });

  it('refuses a removal dated before the latest day of the member’s history, naming it, and applies none of it (ADR 0140)', async () => {
    // The county's own sync assigned a role today; its removal is dated earlier in the year.
    const today = new SystemClock().today();
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const [role] = await inTx(() => sut.synced([synced(county, { roles: ['party_worker'] }, 2)], client));
    expect(role).toEqual({ outcome: 'applied', result: { memberId } });
    const transferId = randomUUID();
    await db.pool.query(
      `insert into member_transfers (id, member_id, from_org_id, to_org_id, requested_on, deadline, status, version)
       values ($1, $2, $3, $4, '2026-01-01', '2026-02-01', 'requested', 1)`,
      [transferId, memberId, HONGSHI, BAIHUA],
    );
    const state = async () => ({
      member: (await db.pool.query(`select membership, version from members where id = $1`, [memberId])).rows,
      history: (await db.pool.query(`select on_day::text, kind from member_history where member_id = $1 order by id`, [memberId])).rows,
      transfer: (await db.pool.query(`select status from member_transfers where id = $1`, [transferId])).rows,
      outbox: (await outbox(memberId)).map((e) => e.event_type),
    });
    const before = await state();

    const [early] = await inTx(() => sut.removed([removed(county, 3)], client));

    expect(early).toMatchObject({ outcome: 'refused', code: 'MEMBER.LEFT_ON_OUT_OF_RANGE' });
    expect(early!.outcome === 'refused' && early!.reason).toContain(`history runs to ${today} (role assigned)`);
    expect(await state()).toEqual(before);

    // On that day it applies.
    const onTheDay = removed(county, 4);
    const [left] = await inTx(() =>
      sut.removed([{ ...onTheDay, event: { ...onTheDay.event, data: { ...onTheDay.event.data, removedOn: today } } }], client),
    );
    expect(left).toEqual({ outcome: 'applied', result: { memberId } });
    expect((await state()).member).toEqual([{ membership: 'left', version: before.member[0].version + 1 }]);
  });

  /** A removal of `county`'s member started while `holder` holds the member's lock, once it waits for that lock in Postgres. */
  async function removalWaitingBehind(holder: PoolClient, memberId: string, county: string) {
    await holder.query('begin');
    await holder.query('select 1 from members where id = $1 for update', [memberId]);
    const removal = inTx(() => sut.removed([removed(county, 2)], client));
    await waitUntil(
      'the removal to wait for the member',
      async () =>
        (
          await db.pool.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%county_member_links%for update of m%'`,
          )
        ).rows[0]!.n > 0,
      { timeoutMs: 10_000 },
    );
    // Wrapped: returned bare, awaiting this function would wait for the removal itself.
    return { removal };
  }

  it('judges a removal by a history line committed while it waited for the member’s lock', async () => {
    // A role assigned on the platform holds the member's lock until it commits its history line:
    // the removal reads the line once the lock is its, not in the statement that waited for it.
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const assigner = await db.pool.connect();
    try {
      const { removal } = await removalWaitingBehind(assigner, memberId, county);
      await assigner.query(`update members set roles = '{secretary}', version = version + 1 where id = $1`, [memberId]);
      await assigner.query(
        `insert into member_history (member_id, on_day, kind, org_id, detail) values ($1, '2026-03-08', 'role_assigned', $2, 'secretary')`,
        [memberId, HONGSHI],
      );
      await assigner.query('commit');
      const [early] = await removal;

      expect(early).toMatchObject({ outcome: 'refused', code: 'MEMBER.LEFT_ON_OUT_OF_RANGE' });
      expect(early!.outcome === 'refused' && early!.reason).toContain('history runs to 2026-03-08 (role assigned)');
      const { rows } = await db.pool.query(`select membership from members where id = $1`, [memberId]);
      expect(rows[0].membership).toBe('active');
    } finally {
      await assigner.query('rollback').catch(() => undefined);
      assigner.release();
    }
  });

  it('ends the open transfer of a member the county removes, as leaving on the platform does', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const transferId = randomUUID();
    await db.pool.query(
      `insert into member_transfers (id, member_id, from_org_id, to_org_id, requested_on, deadline, status, decided_on, version)
       values ($1, $2, $3, $4, '2026-01-01', '2026-02-01', 'accepted', '2026-01-02', 2)`,
      [transferId, memberId, HONGSHI, BAIHUA],
    );

    const [left] = await inTx(() => sut.removed([removed(county, 2)], client));

    expect(left).toEqual({ outcome: 'applied', result: { memberId } });
    const { rows } = await db.pool.query(`select status, cancelled_on::text as on, reason from member_transfers where id = $1`, [
      transferId,
    ]);
    expect(rows[0]).toEqual({ status: 'cancelled', on: '2026-01-05', reason: TRANSFER_ENDINGS.memberLeft });
    // One MemberTransferCancelled, after MemberLeft on the member's stream, in the county message's context (ADR 0129).
    const events = await outbox(memberId);
    expect(events.map((e) => e.event_type).slice(-2)).toEqual(['organization.MemberLeft', 'organization.MemberTransferCancelled']);
    const cancelled = events.filter((e) => e.event_type === 'organization.MemberTransferCancelled');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.envelope).toMatchObject({
      orgId: HONGSHI,
      actor: { sub: 'sa-songling', kind: 'service' },
      data: { transferId, memberId, fromOrgId: HONGSHI, toOrgId: BAIHUA, cancelledOn: '2026-01-05', reason: 'member_left' },
    });
    expect(cancelled[0]!.envelope.streamVersion).toBe(events.at(-2)!.envelope.streamVersion + 1);
  });

  it('ends a transfer requested while the removal waited for the member’s lock', async () => {
    // The batch's snapshot counted the member's open transfers in the statement that waited for
    // the lock, so a transfer committed meanwhile was not in it; the ending reads afresh.
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const requester = await db.pool.connect();
    try {
      const { removal } = await removalWaitingBehind(requester, memberId, county);
      const transferId = randomUUID();
      await requester.query(
        `insert into member_transfers (id, member_id, from_org_id, to_org_id, requested_on, deadline, status, version)
         values ($1, $2, $3, $4, '2026-01-01', '2026-02-01', 'requested', 1)`,
        [transferId, memberId, HONGSHI, BAIHUA],
      );
      await requester.query('commit');
      const [left] = await removal;

      expect(left).toEqual({ outcome: 'applied', result: { memberId } });
      const { rows } = await db.pool.query(`select status from member_transfers where id = $1`, [transferId]);
      expect(rows[0]).toEqual({ status: 'cancelled' });
      const cancelled = (await outbox(memberId)).filter((e) => e.event_type === 'organization.MemberTransferCancelled');
      expect(cancelled.map((e) => e.envelope.data)).toEqual([expect.objectContaining({ transferId, reason: 'member_left' })]);
    } finally {
      await requester.query('rollback').catch(() => undefined);
      requester.release();
    }
  });

  it('locks the member’s organisation before him, and gives the batch back to the gate when a merge moved him meanwhile', async () => {
    // A merge locks the organisations, then their members (ADR 0129): a batch that locked the
    // member first and waited for his organisation deadlocked with it.
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    const merger = await db.pool.connect();
    let removal: Promise<readonly CountyOutcome[]> | undefined;
    try {
      await merger.query('begin');
      await merger.query('select 1 from organizations where id = $1 for update', [HONGSHI]);
      const { rows: batch } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      removal = inTx(() => sut.removed([removed(county, 2)], client));
      await waitUntil(
        'the removal to wait for the organisation',
        async () =>
          (
            await db.pool.query<{ n: number }>(
              `select count(*)::int as n from pg_stat_activity
                where pid = $1 and wait_event_type = 'Lock' and query like '%from organizations%for share%'`,
              [batch[0]!.pid],
            )
          ).rows[0]!.n > 0,
        { timeoutMs: 10_000 },
      );
      // As the merge goes on: the batch holds no member yet (NOWAIT would fail with 55P03), so it moves him.
      await merger.query('select 1 from members where id = $1 for update nowait', [memberId]);
      await merger.query('update members set org_id = $2 where id = $1', [memberId, BAIHUA]);
      await merger.query('commit');
      // Locked in HONGSHI's place, he is in BAIHUA, which the batch does not hold: a race lost, no verdict.
      const lost: unknown = await removal.then(
        () => 'applied',
        (e: unknown) => e,
      );
      expect(lost).toBeInstanceOf(CountyBatchLostRace);
      expect(isNoVerdict(lost)).toBe(true);
    } finally {
      await merger.query('rollback').catch(() => undefined);
      merger.release();
      await removal?.catch(() => undefined);
    }
    // Run again, as the gate does: read in BAIHUA, locked in BAIHUA, he leaves.
    const [left] = await inTx(() => sut.removed([removed(county, 2)], client));
    expect(left).toEqual({ outcome: 'applied', result: { memberId } });
    const { rows } = await db.pool.query(`select org_id, membership from members where id = $1`, [memberId]);
    expect(rows[0]).toEqual({ org_id: BAIHUA, membership: 'left' });
  });

  it('refuses a record stating full one who joined less than a year ago, or probationary one who is full, and applies the rest of the batch (ADR 0154)', async () => {
    const today = new SystemClock().today();
    const recent = addDays(today, -30);
    const [newcomer, due, promoted] = [randomUUID(), randomUUID(), randomUUID()];
    const [first] = await inTx(() => sut.synced([synced(promoted, { status: 'full' })], client));
    const promotedId = memberIdOf(first!);
    const members = async () => (await db.pool.query(`select count(*)::int as n from members`)).rows[0].n as number;
    const before = await members();

    const outcomes = await inTx(() =>
      sut.synced(
        [
          synced(newcomer, { status: 'full', joinedOn: recent }),
          synced(due, { status: 'probationary', joinedOn: recent }),
          synced(promoted, { status: 'probationary', name: '张三改' }, 2),
        ],
        client,
      ),
    );

    expect(outcomes[0]).toMatchObject({ outcome: 'refused', code: 'MEMBER.FULL_BEFORE_PROBATION_ENDS' });
    expect(outcomes[1]).toMatchObject({ outcome: 'applied' });
    expect(outcomes[2]).toMatchObject({ outcome: 'refused', code: 'MEMBER.ALREADY_FULL' });
    expect(await members()).toBe(before + 1);
    const { rows } = await db.pool.query(`select name, status from members where id = $1`, [promotedId]);
    expect(rows[0]).toEqual({ name: '张三', status: 'full' });
  });

  it('refuses to restate a member the platform has since moved out of the sending county', async () => {
    const county = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(county)], client));
    const memberId = memberIdOf(first!);
    await db.pool.query(`update members set org_id = $2 where id = $1`, [memberId, HEKOU]);
    const [again] = await inTx(() => sut.synced([synced(county, { status: 'full' }, 2)], client));
    expect(again).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    const { rows } = await db.pool.query(`select org_id, status from members where id = $1`, [memberId]);
    expect(rows[0]).toEqual({ org_id: HEKOU, status: 'probationary' });
  });

  it('lets the county a member was moved to take him over by his platform id; the county that had him is refused COUNTY.MEMBER_TAKEN_OVER and never registers him again', async () => {
    const songlingId = randomUUID();
    const [first] = await inTx(() => sut.synced([synced(songlingId)], client));
    const memberId = memberIdOf(first!);
    await db.pool.query(`update members set org_id = $2 where id = $1`, [memberId, HEKOU]);
    const members = async () => (await db.pool.query(`select count(*)::int as n from members`)).rows[0].n as number;
    const before = await members();

    // Songling cannot claim him back by his platform id while he is in Hekou.
    const [stolen] = await inTx(() => sut.synced([synced(memberId, { orgId: HONGSHI })], client));
    expect(stolen).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    // The refusal does not say where he is now: another county's organisation is not Songling's to learn.
    expect(JSON.stringify(stolen)).not.toContain(HEKOU);
    const [taken] = await inTx(() => sut.synced([synced(memberId, { orgId: HEKOU, status: 'full' }, 1, HEKOU_SENDER)], client));
    expect(taken).toEqual({ outcome: 'applied', result: { memberId } });
    const { rows: links } = await db.pool.query(
      `select county_client_id, county_member_id, taken_over_by, ended_at is not null as ended from county_member_links where member_id = $1 order by linked_at`,
      [memberId],
    );
    expect(links).toEqual([
      { county_client_id: 'county-songling', county_member_id: songlingId, taken_over_by: 'county-hekou', ended: true },
      { county_client_id: 'county-hekou', county_member_id: memberId, taken_over_by: null, ended: false },
    ]);
    const events = await outbox(memberId);
    expect(events.at(-1)!.event_type).toBe('organization.CountyMemberLinked');
    expect(events.at(-1)!.envelope.data).toEqual({ countyClientId: 'county-hekou', countyMemberId: memberId, memberId, orgId: HEKOU });
    expect((await db.pool.query(`select status from members where id = $1`, [memberId])).rows[0].status).toBe('full');

    const [again] = await inTx(() => sut.synced([synced(songlingId, { status: 'probationary' }, 2)], client));
    const [gone] = await inTx(() => sut.removed([removed(songlingId, 3)], client));
    for (const o of [again, gone]) expect(o).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_TAKEN_OVER' });
    const [later] = await inTx(() =>
      sut.synced([synced(memberId, { orgId: HEKOU, name: '张三丰', status: 'full' }, 2, HEKOU_SENDER)], client),
    );
    expect(later).toEqual({ outcome: 'applied', result: { memberId } });
    expect(await members()).toBe(before); // Songling's id registered nobody
    expect((await db.pool.query(`select name, org_id from members where id = $1`, [memberId])).rows[0]).toEqual({
      name: '张三丰',
      org_id: HEKOU,
    });
  });
});
