import { noticeDecider, objectionDecider } from '@vanguard/commendation-domain';
import type { NominationReadModel } from '../../nominations/nomination-read-model.port';
import type { ClockPort } from '../../ports/clock.port';
import type { ObjectionFilingsPort } from '../../ports/objection-filings.port';
import type { StreamsPort } from '../../ports/streams.port';
import type { TrackingCodesPort } from '../../ports/tracking-codes.port';
import type { WorkCalendarPort } from '../../calendar/work-calendar.port';
import { DecideCommendationHandler } from '../nominations/decide-commendation.handler';
import { PublishNoticeHandler } from '../nominations/publish-notice.handler';
import type { NominationFacts } from '../nominations/nomination-facts';
import { FileObjectionHandler } from './file-objection.handler';
import type { ObjectorContactsPort } from './objector-contacts.port';

// ADR 0113 rests on where a few calls happen: a filing reads the clock on arrival and hands it to
// `during`, inside which it reads the notice and appends; a notice's publication reads and
// appends inside `during`, its shortlist included; a decision reads the notice, the board and the
// clock, and appends, `alone`.

const PROGRAMME = '01960000-0000-7000-8000-0000000000b1';
const NOMINATION = '01960000-0000-7000-8000-0000000000c1';

/** Stands for the lock's streams in the fakes below; `through` hands the run the test's own instead. */
const UNLOCKED = {} as StreamsPort;

/**
 * `filings` handing each run the test's `streams` as the lock's: an append the handler makes
 * there is recorded where the fake port says it ran (inside `during`/`alone`), as in the adapter,
 * where the run's appends commit with the lock's transaction.
 */
const through = (filings: ObjectionFilingsPort, streams: StreamsPort): ObjectionFilingsPort => ({
  during: (programmeId, arrivedAt, run) => filings.during(programmeId, arrivedAt, () => run(streams)),
  alone: (programmeId, decide) => filings.alone(programmeId, () => decide(streams)),
});

/** The handler's own streams with appends refused: every append must go through the lock's streams. */
const outside = (streams: StreamsPort): StreamsPort => ({
  load: (streamId, decider) => streams.load(streamId, decider),
  append: () => Promise.reject(new Error('appended outside its lock')),
  appendAll: () => Promise.reject(new Error('appended outside its lock')),
});

function recorder(today = '2011-06-07') {
  const calls: string[] = [];
  const clock: ClockPort = {
    now: () => (calls.push('clock'), new Date(`${today}T15:59:59Z`)),
    today: () => (calls.push('clock'), today),
  };
  const filings: ObjectionFilingsPort = {
    during: async (_programmeId, arrivedAt, file) => {
      calls.push(`during:begin@${arrivedAt.toISOString()}`);
      try {
        return await file(UNLOCKED);
      } finally {
        calls.push('during:end');
      }
    },
    alone: async (programmeId, decide) => {
      calls.push(`alone:${programmeId}`);
      try {
        return await decide(UNLOCKED);
      } finally {
        calls.push('alone:end');
      }
    },
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
  it('FileObjection_ReadsTheClockOnArrival_AppendsInsideTheFiling_AndKeepsContactsAfterIt', async () => {
    const { calls, clock, filings } = recorder();
    const streams = {
      load: (streamId: string) =>
        Promise.resolve(
          streamId.startsWith('objection-')
            ? { state: objectionDecider.initialState(), version: 0 }
            : { state: notice, version: notice.version },
        ),
      appendAll: () => (calls.push('append'), Promise.resolve([1])),
    } as unknown as StreamsPort;
    const codes: TrackingCodesPort = { next: () => 'GSYY-7K3M-Q9TX' };
    const contacts: ObjectorContactsPort = { keep: () => (calls.push('contacts'), Promise.resolve()) } as unknown as ObjectorContactsPort;
    const sut = new FileObjectionHandler(outside(streams), clock, codes, contacts, through(filings, streams));

    const answer = await sut.execute(
      { programmeId: PROGRAMME, nominationId: NOMINATION, grounds: '事迹材料与实际不符', name: '李四', contact: '13800000000' },
      'c-1',
    );

    expect(answer.trackingCode).toBe('GSYY-7K3M-Q9TX');
    expect(calls).toEqual(['clock', 'during:begin@2011-06-07T15:59:59.000Z', 'append', 'during:end', 'clock', 'contacts']);
  });

  it('FileObjection_SentBeforeMidnightOnTheLastDay_IsRecordedInTime_ThoughItsLockCameAfterMidnight', async () => {
    // Sent at 23:59:59 on the notice's last day (China time); the filing waited behind a decision
    // and holds its lock at 00:00:05 the next day. The clock reads on arrival are what judge it.
    let instant = Date.parse('2011-06-07T15:59:59Z');
    const clock: ClockPort = {
      now: () => new Date(instant),
      today: () => new Date(instant + 8 * 3_600_000).toISOString().slice(0, 10),
    };
    const filings: ObjectionFilingsPort = {
      during: (_programmeId, _arrivedAt, file) => ((instant = Date.parse('2011-06-07T16:00:05Z')), file(UNLOCKED)),
      alone: () => Promise.reject(new Error('no decision here')),
    };
    const appended: { type: string }[][] = [];
    const streams = {
      load: (streamId: string) =>
        Promise.resolve(
          streamId.startsWith('objection-')
            ? { state: objectionDecider.initialState(), version: 0 }
            : { state: notice, version: notice.version },
        ),
      appendAll: (writes: { events: { type: string }[] }[]) => (appended.push(...writes.map((w) => w.events)), Promise.resolve([1])),
    } as unknown as StreamsPort;
    const contacts = { keep: () => Promise.resolve() } as unknown as ObjectorContactsPort;
    const sut = new FileObjectionHandler(outside(streams), clock, { next: () => 'GSYY-7K3M-Q9TX' }, contacts, through(filings, streams));

    const answer = await sut.execute(
      { programmeId: PROGRAMME, nominationId: NOMINATION, grounds: '事迹材料与实际不符', name: null, contact: null },
      'c-5',
    );

    expect(answer.trackingCode).toBe('GSYY-7K3M-Q9TX');
    expect(appended.map((events) => events.map((e) => e.type))).toEqual([['commendation.ObjectionFiled']]);
  });

  it('DecideCommendation_ReadsTheNoticeTheBoardAndTheClock_AndAppends_Alone', async () => {
    // A shortlisted nomination the county decides on once the notice has run: the decision is appended.
    const { calls, clock, filings } = recorder('2011-06-08');
    const nomination = {
      nominationId: NOMINATION,
      programmeId: PROGRAMME,
      status: 'shortlisted',
      nominatorOrgId: notice.awardingOrgId,
      chain: [{ orgId: notice.awardingOrgId }],
      eligible: true,
      category: 'outstanding_member',
      nominee: { kind: 'member', id: NOMINATION, name: '王秀英', orgId: notice.awardingOrgId, orgName: '城东村党支部' },
      deeds: { summary: '带头致富' },
      version: 7,
    };
    const facts = {
      nominationSeenBy: () => Promise.resolve({ state: nomination, version: 7, streamId: `nomination-${NOMINATION}` }),
    } as unknown as NominationFacts;
    const streams = {
      load: () => (calls.push('notice'), Promise.resolve({ state: notice, version: notice.version })),
      append: () => (calls.push('append'), Promise.resolve(8)),
    } as unknown as StreamsPort;
    const board = {
      objectionsFor: () => (calls.push('board'), Promise.resolve({ open: [], closed: [] })),
    } as unknown as NominationReadModel;
    const sut = new DecideCommendationHandler(outside(streams), clock, board, through(filings, streams), facts);

    const answer = await sut.execute(
      NOMINATION,
      { documentNumber: '县委〔2011〕12号' },
      { caller: { sub: 'county.organizer', roles: ['organizer'], orgId: notice.awardingOrgId, kind: 'user' }, correlationId: 'c-2' },
    );

    expect(answer).toEqual({ version: 8 });
    expect(calls).toEqual([`alone:${PROGRAMME}`, 'notice', 'board', 'clock', 'append', 'alone:end']);
  });

  it('PublishNotice_ReadsTheShortlistTheClockAndTheNotice_DuringAFiling_NotBesideADecision', async () => {
    const { calls, clock, filings } = recorder();
    const facts = {
      programme: () => (calls.push('programme'), Promise.resolve({ facts: { orgId: notice.awardingOrgId }, version: 2 })),
      nomination: () => (calls.push('nomination'), Promise.resolve({ state: {}, version: 1 })),
    } as unknown as NominationFacts;
    const board = { shortlisted: () => (calls.push('shortlist'), Promise.resolve([])) } as unknown as NominationReadModel;
    const calendar = {
      snapshot: () => (calls.push('calendar'), Promise.resolve({ adjustments: [], inputs: [] })),
    } as unknown as WorkCalendarPort;
    const streams = {
      load: () => (calls.push('notice'), Promise.resolve({ state: notice, version: notice.version })),
      append: () => (calls.push('append'), Promise.resolve(5)),
    } as unknown as StreamsPort;
    const sut = new PublishNoticeHandler(outside(streams), clock, calendar, board, through(filings, streams), facts);

    // The decider refuses an empty shortlist: what matters is that everything it read was read inside the filing lock.
    await sut
      .execute(PROGRAMME, undefined, {
        caller: { sub: 'county.organizer', roles: ['organizer'], orgId: notice.awardingOrgId, kind: 'user' },
        correlationId: 'c-3',
      })
      .catch(() => undefined);

    expect(calls).toEqual([
      'programme',
      'clock',
      'during:begin@2011-06-07T15:59:59.000Z',
      'shortlist',
      'clock',
      'calendar',
      'notice',
      'during:end',
    ]);
  });

  it('PublishNotice_AppendsDuringAFiling_HoldingTheListedNominationsAndTheProgrammeAtTheVersionsRead', async () => {
    // A nomination withdrawn by an uphold between the shortlist's read and the notice's append would
    // be published as listed: the append holds what the notice records, at the versions it records.
    const { calls, clock, filings } = recorder('2012-06-01');
    const programme = {
      streamId: `award-programme-${PROGRAMME}`,
      version: 3,
      programmeId: PROGRAMME,
      orgId: notice.awardingOrgId,
      timeline: { notice: { days: 5, dayKind: 'working' } },
    };
    const facts = {
      programme: () => Promise.resolve({ facts: programme }),
      nomination: () =>
        Promise.resolve({
          version: 9,
          state: {
            status: 'shortlisted',
            programmeId: PROGRAMME,
            category: 'outstanding_member',
            nominee: { name: '王秀英', orgName: '城东村党支部' },
            deeds: { summary: '带头致富' },
          },
        }),
    } as unknown as NominationFacts;
    const board = { shortlisted: () => Promise.resolve([NOMINATION]) } as unknown as NominationReadModel;
    const calendar = {
      snapshot: () => Promise.resolve({ adjustments: { holidays: [], makeUpWorkdays: [] }, inputs: [] }),
    } as unknown as WorkCalendarPort;
    const held: unknown[] = [];
    const streams = {
      load: () => Promise.resolve({ state: noticeDecider.initialState(), version: 0 }),
      appendAll: (writes: { streamId: string }[], unchanged: unknown[]) => {
        calls.push(`append:${writes.map((w) => w.streamId).join(',')}`);
        held.push(...unchanged);
        return Promise.resolve([1]);
      },
    } as unknown as StreamsPort;
    const sut = new PublishNoticeHandler(outside(streams), clock, calendar, board, through(filings, streams), facts);

    const published = await sut.execute(PROGRAMME, undefined, {
      caller: { sub: 'county.organizer', roles: ['organizer'], orgId: notice.awardingOrgId, kind: 'user' },
      correlationId: 'c-4',
    });

    expect(published).toMatchObject({ version: 1, round: 1 });
    expect(calls).toEqual(['clock', 'during:begin@2012-06-01T15:59:59.000Z', 'clock', `append:public-notice-${PROGRAMME}`, 'during:end']);
    expect(held).toEqual([
      { streamId: `award-programme-${PROGRAMME}`, version: 3 },
      { streamId: `nomination-${NOMINATION}`, version: 9 },
    ]);
  });
});
