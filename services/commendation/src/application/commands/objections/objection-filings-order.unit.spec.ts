import { objectionDecider } from '@vanguard/commendation-domain';
import type { NominationReadModel } from '../../nominations/nomination-read-model.port';
import type { ClockPort } from '../../ports/clock.port';
import type { ObjectionFilingsPort } from '../../ports/objection-filings.port';
import type { StreamsPort } from '../../ports/streams.port';
import type { TrackingCodesPort } from '../../ports/tracking-codes.port';
import { DecideCommendationHandler } from '../nominations/decide-commendation.handler';
import type { NominationFacts } from '../nominations/nomination-facts';
import { FileObjectionHandler } from './file-objection.handler';
import type { ObjectorContactsPort } from './objector-contacts.port';

// ADR 0113 rests on the order of a few calls: a filing reads the clock and appends inside
// `during`; a decision reads the clock, then passes `settled`, then reads the notice and the board.

const PROGRAMME = '01960000-0000-7000-8000-0000000000b1';
const NOMINATION = '01960000-0000-7000-8000-0000000000c1';

function recorder() {
  const calls: string[] = [];
  const clock: ClockPort = {
    now: () => (calls.push('clock'), new Date('2011-06-07T15:59:59Z')),
    today: () => (calls.push('clock'), '2011-06-07'),
  };
  const filings: ObjectionFilingsPort = {
    during: async (_programmeId, file) => {
      calls.push('during:begin');
      try {
        return await file();
      } finally {
        calls.push('during:end');
      }
    },
    settled: (programmeId) => (calls.push(`settled:${programmeId}`), Promise.resolve()),
  };
  return { calls, clock, filings };
}

const notice = {
  round: 1,
  version: 4,
  programmeId: PROGRAMME,
  awardingOrgId: '00000000-0000-4000-8000-000000320612',
  startsOn: '2011-06-01',
  endsOn: '2011-06-07',
  entries: [{ nominationId: NOMINATION }],
};

describe('objection filings and decisions (ADR 0113)', () => {
  it('FileObjection_ReadsTheClockAndAppends_InsideTheFiling_AndKeepsContactsAfterIt', async () => {
    const { calls, clock, filings } = recorder();
    const streams = {
      load: (streamId: string) =>
        Promise.resolve(
          streamId.startsWith('objection-')
            ? { state: objectionDecider.initialState(), version: 0 }
            : { state: notice, version: notice.version },
        ),
      append: () => (calls.push('append'), Promise.resolve(1)),
    } as unknown as StreamsPort;
    const codes: TrackingCodesPort = { next: () => 'GSYY-7K3M-Q9TX' };
    const contacts: ObjectorContactsPort = { keep: () => (calls.push('contacts'), Promise.resolve()) } as unknown as ObjectorContactsPort;
    const sut = new FileObjectionHandler(streams, clock, codes, contacts, filings);

    const answer = await sut.execute(
      { programmeId: PROGRAMME, nominationId: NOMINATION, grounds: '事迹材料与实际不符', name: '李四', contact: '13800000000' },
      'c-1',
    );

    expect(answer.trackingCode).toBe('GSYY-7K3M-Q9TX');
    expect(calls).toEqual(['during:begin', 'clock', 'append', 'during:end', 'clock', 'contacts']);
  });

  it('DecideCommendation_ReadsTheClock_ThenWaitsForFilingsInFlight_ThenReadsTheNoticeAndTheBoard', async () => {
    const { calls, clock, filings } = recorder();
    const facts = {
      nominationSeenBy: () =>
        Promise.resolve({ state: { programmeId: PROGRAMME, nominatorOrgId: notice.awardingOrgId, chain: [] }, version: 7, streamId: 'n' }),
    } as unknown as NominationFacts;
    const streams = {
      load: () => (calls.push('notice'), Promise.resolve({ state: notice, version: notice.version })),
      append: () => (calls.push('append'), Promise.resolve(8)),
    } as unknown as StreamsPort;
    const board = {
      objectionsFor: () => (calls.push('board'), Promise.resolve({ open: [], closed: [] })),
    } as unknown as NominationReadModel;
    const sut = new DecideCommendationHandler(streams, clock, board, filings, facts);

    // The decider refuses this bare nomination; what matters here is what was read, and in which order.
    await sut
      .execute(
        NOMINATION,
        { documentNumber: '县委〔2011〕12号' },
        { caller: { sub: 'county.organizer', roles: ['organizer'], orgId: notice.awardingOrgId, kind: 'user' }, correlationId: 'c-2' },
      )
      .catch(() => undefined);

    expect(calls.slice(0, 4)).toEqual(['clock', `settled:${PROGRAMME}`, 'notice', 'board']);
    expect(calls.filter((c) => c === 'clock')).toHaveLength(1);
  });
});
