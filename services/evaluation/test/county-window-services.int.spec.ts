import type { INestApplication } from '@nestjs/common';
import { bootstrapDemoTree } from '@vanguard/auth';
import type { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { CountySystems, testTopicPrefix, type TestSchema } from '@vanguard/testing';
import { WindowUnitHandlers } from '../src/application/commands/window-units/window-unit.handlers';
import { clockOn, countyInboundOverrides, createEvaluationTestApp } from './support/evaluation-test-app';
import { evaluationStoreSchema } from './support/store-schema';

const SONGLING = demoOrgId('910425');
const HEKOU = demoOrgId('910426');
const HONGSHI = demoOrgId('910425101201');
const BAIHUA = demoOrgId('910425101');

// 三亮三比三评: a window unit's services counted from the records its own systems send through the
// county inbound topic — real county tokens, the gate in front of evaluation's translation, the
// same decider as the bulk import, the county's reply on its reply topic.
describe('county.WindowServicesRecorded (evaluation)', () => {
  const counties = new CountySystems({ 'county-songling': SONGLING, 'county-hekou': HEKOU });
  const linksTopic = `${testTopicPrefix('evaluation-county-window')}.organization`;
  let db: TestSchema;
  let store: PostgresEventStore;
  let sut: INestApplication;
  const stream = `window-unit-${HONGSHI}`;
  const records = [
    { recordId: 'hs-1', kind: 'service_given', on: '2011-06-03' },
    { recordId: 'hs-2', kind: 'service_given', on: '2011-06-04' },
    { recordId: 'hs-2', kind: 'service_given', on: '2011-06-04' }, // the same record twice: counted once
    { recordId: 'hs-3', kind: 'online_approval', on: '2011-05-30' },
  ];

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_county_window'));
    await bootstrapDemoTree(db.pool);
    await counties.start();
    await ensureTopics(counties.kafka, [linksTopic]);
    sut = await createEvaluationTestApp(clockOn('2011-06-10'), countyInboundOverrides(db, counties.inbound, linksTopic));
    await sut.get(WindowUnitHandlers).publish(
      HONGSHI,
      {
        serviceName: '红石村便民服务站',
        duties: '代办低保、医保、户籍证明',
        process: '受理—办理—回访',
        discipline: '首问负责，限时办结',
        servicePhone: '0470-5123456',
        reason: '三亮：公开服务承诺',
      },
      { caller: { sub: 'county.organizer', roles: ['organizer'], orgId: SONGLING, kind: 'user' }, correlationId: 'county-window' },
    );
  }, 40_000);

  afterAll(async () => {
    await sut?.close();
    await counties.stop();
    await db?.drop();
  });

  it('counts a batch by month and kind as the county system decided it, and shows it on the unit’s public page', async () => {
    const sent = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 1, {
      orgId: HONGSHI,
      batchId: 'hs-2011-06-a',
      records,
    });
    expect(await counties.replyTo(sent)).toMatchObject({ outcome: 'applied', result: { orgId: HONGSHI, batchId: 'hs-2011-06-a' } });
    const counted = (await store.readStream(stream)).filter((e) => e.type === 'evaluation.WindowServicesCounted');
    expect(counted).toHaveLength(1);
    expect(counted[0]!.data).toMatchObject({
      orgId: HONGSHI,
      batchId: 'hs-2011-06-a',
      source: 'county',
      records: 3,
      counts: expect.arrayContaining([
        { month: '2011-06', kind: 'service_given', count: 2 },
        { month: '2011-05', kind: 'online_approval', count: 1 },
      ]),
      decision: { decidedBy: { role: 'county_system', orgId: SONGLING } },
    });
    expect(counted[0]!.actor).toMatchObject({ roles: ['county_system'], orgId: SONGLING, kind: 'service' });
    const page = await sut.get(WindowUnitHandlers).page(HONGSHI);
    expect(page.services).toEqual([
      { month: '2011-05', kind: 'online_approval', count: 1 },
      { month: '2011-06', kind: 'service_given', count: 2 },
    ]);
  });

  it('refuses a batch counted before, another county’s unit, a unit that is no window unit and a day no calendar has — counting nothing for them — and still counts the batch sent right after the day no calendar has', async () => {
    const before = await store.streamVersion(stream);
    const again = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 2, {
      orgId: HONGSHI,
      batchId: 'hs-2011-06-a',
      records: [{ recordId: 'hs-9', kind: 'home_service', on: '2011-06-08' }],
    });
    const foreign = await counties.send('county-hekou', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 1, {
      orgId: HONGSHI,
      batchId: 'hk-forged',
      records,
    });
    const notWindow = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${BAIHUA}`, 1, {
      orgId: BAIHUA,
      batchId: 'bh-2011-06',
      records,
    });
    // Year 0000 passes the contract's pattern; stored, every read model casting it would refuse it.
    const yearZero = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 3, {
      orgId: HONGSHI,
      batchId: 'hs-year-zero',
      records: [
        { recordId: 'hs-10', kind: 'home_service', on: '2011-06-08' },
        { recordId: 'hs-11', kind: 'home_service', on: '0000-06-08' },
      ],
    });
    const next = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 4, {
      orgId: HONGSHI,
      batchId: 'hs-2011-06-b',
      records: [{ recordId: 'hs-12', kind: 'home_service', on: '2011-06-09' }],
    });
    expect(await counties.replyTo(yearZero)).toMatchObject({
      outcome: 'refused',
      code: 'DAY.INVALID',
      reason: expect.stringContaining('records[1].on'),
    });
    expect(await counties.replyTo(again)).toMatchObject({ outcome: 'refused', code: 'evaluation.window-unit.batch-once@1' });
    expect(await counties.replyTo(foreign)).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    expect(await counties.replyTo(notWindow)).toMatchObject({ outcome: 'refused', code: 'evaluation.window-unit.is-window-unit@1' });
    expect(await counties.replyTo(next)).toMatchObject({ outcome: 'applied', result: { orgId: HONGSHI, batchId: 'hs-2011-06-b' } });
    const counted = await store.readStream(stream, { fromVersion: before + 1 });
    expect(counted.map((e) => (e.data as { batchId: string }).batchId)).toEqual(['hs-2011-06-b']);
    expect(await store.streamVersion(`window-unit-${BAIHUA}`)).toBe(0);
  });

  it('counts a record id once for the unit: a record counted in an earlier batch is not counted again, and a batch of only such records is refused', async () => {
    const before = await store.streamVersion(stream);
    // hs-1 was counted in hs-2011-06-a; the county resends it under a new batch id beside a new record.
    const resent = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 5, {
      orgId: HONGSHI,
      batchId: 'hs-2011-06-c',
      records: [records[0]!, { recordId: 'hs-20', kind: 'home_service', on: '2011-06-09' }],
    });
    expect(await counties.replyTo(resent)).toMatchObject({ outcome: 'applied', result: { batchId: 'hs-2011-06-c' } });
    const onlyCounted = await counties.send('county-songling', 'county.WindowServicesRecorded', `window-services-${HONGSHI}`, 6, {
      orgId: HONGSHI,
      batchId: 'hs-2011-06-d',
      records: [records[1]!, { recordId: 'hs-20', kind: 'home_service', on: '2011-06-09' }],
    });
    expect(await counties.replyTo(onlyCounted)).toMatchObject({ outcome: 'refused', code: 'evaluation.window-unit.record-once@1' });
    const counted = await store.readStream(stream, { fromVersion: before + 1 });
    expect(counted.map((e) => e.data)).toEqual([
      expect.objectContaining({ batchId: 'hs-2011-06-c', records: 1, counts: [{ month: '2011-06', kind: 'home_service', count: 1 }] }),
    ]);
  });
});
