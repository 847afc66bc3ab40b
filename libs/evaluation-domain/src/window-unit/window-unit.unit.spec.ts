import { specificationFor } from '@vanguard/kernel/testing';
import type { RuleVersionChoice } from '@vanguard/kernel';
import { pathAtVersionZero } from '../org-path';
import type { ServiceRecord, WindowUnitCommand } from './window-unit.commands';
import { windowUnitDecider } from './window-unit.decide';
import {
  BatchIsCountedOnceRule,
  CommitmentsCarryNoPersonalDataRule,
  RecordIsCountedOnceForTheUnitRule,
  ServicesAreCountedForAWindowUnitRule,
  ServicesAreSentByTheUnitOrAboveRule,
  WindowUnitIsPublishedByTheUnitOrAboveRule,
} from './window-unit.rules';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const UNIT = '00000000-0000-4000-8000-000910425150';
const OTHER = '00000000-0000-4000-8000-000910425151';
const PATH = pathAtVersionZero([COUNTY, UNIT]);
const secretary = { sub: 'unit.secretary', role: 'branch_secretary', orgId: UNIT };
const commitments = {
  serviceName: '旗政务服务中心社保窗口',
  duties: '办理城乡居民养老保险参保登记',
  process: '受理—审核—办结，当场答复',
  discipline: '首问负责、一次告知、限时办结',
  servicePhone: '0470-5123456',
};
const publish = (
  over: Partial<typeof commitments & { decidedBy: typeof secretary; ruleVersions: RuleVersionChoice }> = {},
): WindowUnitCommand => ({
  type: 'PublishWindowCommitments',
  data: { orgId: UNIT, ...commitments, publishedOn: '2011-05-04', orgPath: PATH, decidedBy: secretary, reason: '三亮', ...over },
});
const count = (
  batchId: string,
  records: ServiceRecord[],
  decidedBy = secretary,
  countedBefore: ReadonlyMap<string, string> = new Map(),
): WindowUnitCommand => ({
  type: 'CountWindowServices',
  data: { orgId: UNIT, batchId, source: 'import', records, countedBefore, countedOn: '2011-06-01', orgPath: PATH, decidedBy },
});
const spec = specificationFor(windowUnitDecider);
const published = windowUnitDecider.decide(publish(), windowUnitDecider.initialState());

describe('windowUnitDecider: commitments published on a public page', () => {
  it('publishes duties, process and discipline, the service line checked but kept out of the event', () =>
    spec
      .given([])
      .when(publish())
      .thenMatches(([e]) => {
        const { servicePhone: _phone, ...published } = commitments;
        expect(e!.data).toMatchObject({ ...published, orgId: UNIT });
        // The phone is checked but never recorded in an event: no published event carries a phone number.
        expect(JSON.stringify(e)).not.toContain('5123456');
      }));
  it('refuses a mobile as the service phone, and an ID-card or phone number in the text (public page, no personal data)', () => {
    spec
      .given([])
      .when(publish({ servicePhone: '13912345678' }))
      .thenRefuses(CommitmentsCarryNoPersonalDataRule);
    spec
      .given([])
      .when(publish({ duties: '联系人手机 139 1234 5678' }))
      .thenRefuses(CommitmentsCarryNoPersonalDataRule);
    spec
      .given([])
      .when(publish({ discipline: '身份证 150425198001011234' }))
      .thenRefuses(CommitmentsCarryNoPersonalDataRule);
  });
  it('refuses a number the public page would show however it is written (version 4), and records that version', () => {
    for (const duties of [
      '联系人张三，手机138\u200b0013\u200b8000',
      '手机138.0013.8000',
      '电话一三八〇〇一三八〇〇〇',
      '办事员张三13800138000',
      '办事员张三一三八〇〇一三八〇〇〇',
      '办事员张三一三八〇〇一三八〇〇〇四组',
      // What the event's contract refuses: version 3 took it, and the relay then held the event back.
      '咨询电话 010-12345678，工作日 9:00-17:00',
    ])
      spec.given([]).when(publish({ duties })).thenRefuses(CommitmentsCarryNoPersonalDataRule);
    spec
      .given([])
      .when(publish())
      .thenMatches(([e]) =>
        expect((e!.data as { decision: { checks: unknown[] } }).decision.checks).toEqual([
          { id: 'evaluation.window-unit.no-personal-data', version: 4 },
        ]),
      );
    // Version 3 read 张三一三八〇〇一三八〇〇〇 as one number, 313800138000: its decisions replay as they were made.
    spec
      .given([])
      .when(publish({ duties: '办事员张三一三八〇〇一三八〇〇〇', ruleVersions: { 'evaluation.window-unit.no-personal-data': 3 } }))
      .thenMatches((events) => expect(events).toHaveLength(1));
    // Version 2 read 张三13800138000 as one number, 313800138000: its decisions replay as they were made.
    spec
      .given([])
      .when(publish({ duties: '办事员张三13800138000', ruleVersions: { 'evaluation.window-unit.no-personal-data': 2 } }))
      .thenMatches((events) => expect(events).toHaveLength(1));
    // Version 1, for a replay that names it, read the stored text only.
    spec
      .given([])
      .when(publish({ duties: '手机138.0013.8000', ruleVersions: { 'evaluation.window-unit.no-personal-data': 1 } }))
      .thenMatches((events) => expect(events).toHaveLength(1));
  });
  it('is published by the unit or a leader above, not a sibling', () =>
    spec
      .given([])
      .when(publish({ decidedBy: { ...secretary, orgId: OTHER } }))
      .thenRefuses(WindowUnitIsPublishedByTheUnitOrAboveRule));
});

describe('windowUnitDecider: services counted from the unit’s records', () => {
  const records: ServiceRecord[] = [
    { recordId: 'r1', kind: 'service_given', on: '2011-05-03' },
    { recordId: 'r2', kind: 'service_given', on: '2011-05-04' },
    { recordId: 'r2', kind: 'service_given', on: '2011-05-04' },
    { recordId: 'r3', kind: 'online_approval', on: '2011-06-01' },
  ];
  it('counts by month and kind, a record id once', () =>
    spec
      .given(published)
      .when(count('b1', records))
      .thenMatches(([e]) =>
        expect(e!.data).toMatchObject({
          records: 3,
          counts: [
            { month: '2011-05', kind: 'service_given', count: 2 },
            { month: '2011-06', kind: 'online_approval', count: 1 },
          ],
        }),
      ));
  it('counts a batch once, only for a published window unit, only from the unit or above', () => {
    const first = windowUnitDecider.decide(count('b1', records), windowUnitDecider.evolve(windowUnitDecider.initialState(), published[0]!));
    spec
      .given([...published, ...first])
      .when(count('b1', records))
      .thenRefuses(BatchIsCountedOnceRule);
    spec.given([]).when(count('b1', records)).thenRefuses(ServicesAreCountedForAWindowUnitRule);
    spec
      .given(published)
      .when(count('b2', records, { ...secretary, orgId: OTHER }))
      .thenRefuses(ServicesAreSentByTheUnitOrAboveRule);
  });
});

describe('windowUnitDecider: a record id counted once for the unit, over its batches (ADR 0122)', () => {
  const r = (recordId: string, on = '2011-05-03'): ServiceRecord => ({ recordId, kind: 'service_given', on });
  /** The stream after `batches` were counted in turn, each told what the index held by then. */
  const history = (...batches: [string, ServiceRecord[]][]) => {
    let state = windowUnitDecider.evolve(windowUnitDecider.initialState(), published[0]!);
    const index = new Map<string, string>();
    const events = [...published];
    for (const [batchId, records] of batches) {
      const counted = windowUnitDecider.decide(count(batchId, records, secretary, new Map(index)), state);
      for (const x of records) if (!index.has(x.recordId)) index.set(x.recordId, batchId);
      state = windowUnitDecider.evolve(state, counted[0]!);
      events.push(...counted);
    }
    return { events, index };
  };

  it('given b1 counted r1 (sent twice), when b2 sends r1 again with r2, then only r2 is counted', () => {
    const { events, index } = history(['b1', [r('r1'), r('r1')]]);
    expect(events[1]!.data).toMatchObject({ records: 1, counts: [{ month: '2011-05', kind: 'service_given', count: 1 }] });
    spec
      .given(events)
      .when(count('b2', [r('r1'), r('r2', '2011-06-02')], secretary, index))
      .thenMatches(([e]) =>
        expect(e!.data).toMatchObject({
          records: 1,
          counts: [{ month: '2011-06', kind: 'service_given', count: 1 }],
          decision: {
            checks: [
              { id: 'evaluation.window-unit.batch-once', version: 1 },
              { id: 'evaluation.window-unit.record-once', version: 1 },
            ],
          },
        }),
      );
  });

  it('given r1 counted in b1 and r2 in b2, when b3 sends only r1 and r2, then it is refused and nothing is counted', () => {
    const { events, index } = history(['b1', [r('r1')]], ['b2', [r('r2')]]);
    spec
      .given(events)
      .when(count('b3', [r('r1'), r('r2'), r('r1')], secretary, index))
      .thenRefuses(RecordIsCountedOnceForTheUnitRule);
  });

  it('given the index names a batch this stream never counted, when the record comes again, then it is counted', () =>
    spec
      .given(published)
      .when(count('b2', [r('r1')], secretary, new Map([['r1', 'b-never-appended']])))
      .thenMatches(([e]) => expect(e!.data).toMatchObject({ records: 1 })));
});
