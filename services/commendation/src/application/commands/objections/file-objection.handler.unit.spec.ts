import { objectionDecider } from '@vanguard/commendation-domain';
import type { ClockPort } from '../../ports/clock.port';
import { ObjectionFilingsBusyError, type ObjectionFilingsPort } from '../../ports/objection-filings.port';
import { ConcurrentChangeError, type StreamRead, type StreamWrite, type StreamsPort } from '../../ports/streams.port';
import { FileObjectionHandler } from './file-objection.handler';
import type { ObjectorContactsPort } from './objector-contacts.port';

// What the filing holds, and what it does when a stream it read moved before its append (ADR 0114
// amended): the nomination withdrawn by an uphold, a new notice round, or the same objection
// recorded by a copy sent at the same time. The race itself, against the store: test/objection-withdrawal-race.e2e.spec.ts.

const PROGRAMME = '01960000-0000-7000-8000-0000000000b1';
const NOMINATION = '01960000-0000-7000-8000-0000000000c1';
const AWARDING = '00000000-0000-4000-8000-000000320612';
const NOTICE = `public-notice-${PROGRAMME}`;
const NOMINATION_STREAM = `nomination-${NOMINATION}`;

const round = (n: number, version: number) => ({
  round: n,
  version,
  programmeId: PROGRAMME,
  awardingOrgId: AWARDING,
  startsOn: '2011-06-01',
  endsOn: '2011-06-08',
  entries: [{ nominationId: NOMINATION }],
});

/**
 * The streams as the store would answer them, and each append: `meanwhile` runs when an append
 * is asked for, as if another command committed between the filing's reads and its append, and
 * names the stream that moved (the store's refusal), or nothing (the append commits).
 */
function store(meanwhile: (attempt: number, s: Streams) => string | undefined) {
  const s: Streams = {
    notice: { state: round(1, 4), version: 4 },
    nomination: { state: { status: 'shortlisted' }, version: 7 },
    objections: new Map(),
  };
  const appends: { writes: readonly StreamWrite[]; held: readonly StreamRead[] }[] = [];
  const streams = {
    load: (id: string) =>
      Promise.resolve(
        id === NOTICE
          ? s.notice
          : id === NOMINATION_STREAM
            ? s.nomination
            : (s.objections.get(id) ?? { state: objectionDecider.initialState(), version: 0 }),
      ),
    appendAll: (writes: readonly StreamWrite[], held: readonly StreamRead[] = []) => {
      appends.push({ writes, held });
      const moved = meanwhile(appends.length, s);
      if (moved) return Promise.reject(new ConcurrentChangeError(moved));
      for (const w of writes)
        s.objections.set(w.streamId, {
          state: w.events.reduce((st, e) => objectionDecider.evolve(st, e as never), objectionDecider.initialState()),
          version: 1,
        });
      return Promise.resolve(writes.map(() => 1));
    },
  } as unknown as StreamsPort;
  return { s, streams, appends };
}

interface Streams {
  notice: { state: ReturnType<typeof round>; version: number };
  nomination: { state: { status: string }; version: number };
  objections: Map<string, { state: ReturnType<typeof objectionDecider.initialState>; version: number }>;
}

function handler(streams: StreamsPort) {
  const clock: ClockPort = { now: () => new Date('2011-06-03T04:00:00Z'), today: () => '2011-06-03' };
  let runs = 0;
  const filings: ObjectionFilingsPort = {
    // The lock's streams are the store's here: what the handler appends through them is what `appends` saw.
    during: (_programmeId, _arrivedAt, file) => (runs++, file(streams)),
    alone: () => Promise.reject(new Error('no decision here')),
  };
  const kept: string[] = [];
  const contacts = { keep: (id: string) => (kept.push(id), Promise.resolve()) } as unknown as ObjectorContactsPort;
  let code = 0;
  const codes = { next: () => `GSYY-7K3M-Q9T${'XYZW'[code++ % 4]}` };
  const sut = new FileObjectionHandler(streams, clock, codes, contacts, filings);
  return { sut, kept, runs: () => runs };
}

const objection = { programmeId: PROGRAMME, nominationId: NOMINATION, grounds: '事迹材料与实际不符', name: '李四', contact: '村委会转' };

describe(FileObjectionHandler.name, () => {
  it('execute_HoldsTheNoticeAndTheNomination_AtTheVersionsItRead', async () => {
    const { streams, appends } = store(() => undefined);
    const { sut } = handler(streams);

    expect(await sut.execute(objection, 'c-1')).toEqual({ trackingCode: 'GSYY-7K3M-Q9TX' });

    expect(appends).toHaveLength(1);
    expect(appends[0]!.writes.map((w) => w.events.map((e) => e.type))).toEqual([['commendation.ObjectionFiled']]);
    expect(appends[0]!.held).toEqual([
      { streamId: NOTICE, version: 4 },
      { streamId: NOMINATION_STREAM, version: 7 },
    ]);
  });

  it('execute_WhenAnUpholdWithdrewTheNominationBetweenItsReadsAndItsAppend_ReadsAgainInsideTheSameFiling_AndRefusesItNotOnTheNotice', async () => {
    const { streams, appends, s } = store((attempt, st) => {
      if (attempt > 1) return undefined;
      st.nomination = { state: { status: 'withdrawn' }, version: 8 };
      return NOMINATION_STREAM;
    });
    const { sut, kept, runs } = handler(streams);

    await expect(sut.execute(objection, 'c-2')).rejects.toMatchObject({ code: 'OBJECTION.NOT_ON_NOTICE', kind: 'not_found' });

    expect([appends.length, runs(), kept, s.objections.size]).toEqual([1, 1, [], 0]);
  });

  it('execute_WhenANewRoundWasPublishedBetweenItsReadsAndItsAppend_IsFiledOnTheNewRound_HoldingItsVersion', async () => {
    const { streams, appends, s } = store((attempt, st) => {
      if (attempt > 1) return undefined;
      st.notice = { state: round(2, 5), version: 5 };
      return NOTICE;
    });
    const { sut, kept } = handler(streams);

    const answer = await sut.execute(objection, 'c-3');

    expect(answer).toEqual({ trackingCode: 'GSYY-7K3M-Q9TY' });
    expect(appends.map((a) => a.held[0])).toEqual([
      { streamId: NOTICE, version: 4 },
      { streamId: NOTICE, version: 5 },
    ]);
    const filed = appends[1]!.writes[0]!.events[0]!.data as { notice: { round: number; version: number } };
    expect(filed.notice).toMatchObject({ round: 2, version: 5 });
    expect([s.objections.size, kept.length]).toEqual([1, 1]);
  });

  it('execute_WhenTheSameObjectionWasRecordedByACopyMeanwhile_AnswersTheRecordedOne_AndKeepsNoContact', async () => {
    const { streams, appends, s } = store((attempt, st) => {
      const objectionId = [...appends[0]!.writes][0]!.streamId;
      // The copy's append committed first: the objection's own stream moved.
      const copy = objectionDecider.decide(
        {
          type: 'FileObjection',
          data: {
            objectionId: objectionId.slice('objection-'.length),
            trackingCode: 'GSYY-AAAA-BBBB',
            nominationId: NOMINATION,
            named: false,
            hasContact: false,
            grounds: objection.grounds,
            today: '2011-06-03',
            notice: { streamId: NOTICE, listed: [NOMINATION], ...round(1, 4) },
          },
        },
        objectionDecider.initialState(),
      );
      st.objections.set(objectionId, {
        state: copy.reduce((x, e) => objectionDecider.evolve(x, e), objectionDecider.initialState()),
        version: 1,
      });
      return attempt === 1 ? objectionId : undefined;
    });
    const { sut, kept } = handler(streams);

    expect(await sut.execute(objection, 'c-4')).toEqual({ trackingCode: 'GSYY-AAAA-BBBB' });
    expect([appends.length, kept, s.objections.size]).toEqual([1, [], 1]);
  });

  it('execute_WhenWhatItReadMovesUnderEveryAttempt_GivesUpAfterFour_AsBusyNotAsAConflict', async () => {
    let version = 7;
    const { streams, appends } = store((_attempt, st) => {
      st.nomination = { state: { status: 'shortlisted' }, version: ++version };
      return NOMINATION_STREAM;
    });
    const { sut, runs } = handler(streams);

    const refused = await sut.execute(objection, 'c-5').catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(ObjectionFilingsBusyError);
    expect(refused).toMatchObject({ behind: 'moving', code: 'OBJECTIONS.BUSY' });
    expect(appends.map((a) => a.held[1]!.version)).toEqual([7, 8, 9, 10]);
    expect(runs()).toBe(1);
  });
});
