import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  nominationDecider,
  nominationStreamId,
  noticeDecider,
  noticeForObjection,
  noticeStreamId,
  objectionDecider,
  objectionStreamId,
} from '@vanguard/commendation-domain';
import { DomainError, chinaDayOf } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { OBJECTION_FILINGS, ObjectionFilingsBusyError, type ObjectionFilingsPort } from '../../ports/objection-filings.port';
import { ConcurrentChangeError, STREAMS, type StreamsPort } from '../../ports/streams.port';
import { TRACKING_CODES, type TrackingCodesPort } from '../../ports/tracking-codes.port';
import { OBJECTOR_CONTACTS, type ObjectorContactsPort } from './objector-contacts.port';

export class NoticeNotFoundError extends DomainError {
  constructor() {
    super('NOTICE.NOT_FOUND', 'not_found', '该表彰没有正在公示的名单 / this programme has published no notice');
  }
}

export interface FileObjectionInput {
  readonly programmeId: string;
  readonly nominationId: string;
  readonly grounds: string;
  readonly name: string | null;
  readonly contact: string | null;
}

/**
 * The same objection sent again (a double click, a retry after a lost answer) gets the same id:
 * the public route takes no Idempotency-Key (it is kept per signed-in caller), so the content is
 * the key. Only what the event itself publishes goes in — the programme, the notice round, the
 * nomination and the grounds (whitespace is not content) — never the name or contact: the id is
 * public (stream ids, Kafka, audit exports), and a hash of a phone number is found by trying them
 * all. A UUID in form (version 8, RFC 9562's custom layout).
 */
export function sameObjectionId(programmeId: string, round: number, nominationId: string, grounds: string): string {
  const text = grounds.normalize('NFC').replace(/\s+/g, ' ').trim();
  const h = createHash('sha256')
    .update(JSON.stringify([programmeId, round, nominationId, text]))
    .digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What a filing answers; `recorded` when this call appended it, not an earlier copy. */
interface Filed {
  readonly trackingCode: string;
  readonly objectionId: string;
  readonly recorded: boolean;
}

/** Reads and decisions of one filing whose notice or nomination moved under it (ADR 0114 amended). */
const FILING_ATTEMPTS = 4;

/** The public files no token: the envelope names the platform as actor, never the objector. */
const PUBLIC_ACTOR = { sub: 'public', roles: [] as string[], kind: 'user' as const };

/**
 * 异议: anyone, named or anonymous, during the notice period. The notice stream is read for
 * its round, period and listed nominations; the decider judges; the objector's name and contact
 * go to their own table (erasable), never into the event. Answers with the tracking code; the
 * same objection filed again answers the first one's and files nothing (sameObjectionId).
 */
@Injectable()
export class FileObjectionHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(TRACKING_CODES) private readonly codes: TrackingCodesPort,
    @Inject(OBJECTOR_CONTACTS) private readonly contacts: ObjectorContactsPort,
    @Inject(OBJECTION_FILINGS) private readonly filings: ObjectionFilingsPort,
  ) {}

  async execute(input: FileObjectionInput, correlationId: string): Promise<{ trackingCode: string }> {
    // Judged by when it was sent, and appended inside the filing, so a decision either sees it or came first (ADR 0113).
    const arrivedAt = this.clock.now();
    const filed = await this.filings.during(input.programmeId, arrivedAt, (locked) =>
      this.file(locked, input, chinaDayOf(arrivedAt), correlationId),
    );
    // Kept once the append held: every copy of one objection has its id, so only the copy recorded
    // may leave a name and contact (kept first, a losing or failed copy's details were the ones the
    // investigator saw). A failure between the two leaves a named objection without them.
    if (filed.recorded && (input.name || input.contact))
      await this.contacts.keep(filed.objectionId, input.name, input.contact, this.clock.now());
    return { trackingCode: filed.trackingCode };
  }

  /**
   * Files the objection, holding the notice and the nomination at the versions read until it
   * commits (ADR 0114): an uphold withdrawing the nomination, or a new round, that commits between
   * the reads and the append refuses the append, and the filing reads both again and is decided
   * again (now not listed, or on the new round), still inside its `during` (ADR 0113) and judged
   * by the day it arrived. The objector did nothing to be answered a conflict for.
   */
  private async file(locked: StreamsPort, input: FileObjectionInput, today: string, correlationId: string): Promise<Filed> {
    for (let attempt = 1; attempt <= FILING_ATTEMPTS; attempt++) {
      const filed = await this.attempt(locked, input, today, correlationId);
      if (filed) return filed;
    }
    // Moved under every attempt (each change committed, so the next read saw it): not the
    // objector's doing either. Nothing was filed; sent again, it is judged by when it is sent again.
    throw new ObjectionFilingsBusyError('moving', 1);
  }

  /** One read and decision; null when the notice or the nomination moved before the append. */
  private async attempt(locked: StreamsPort, input: FileObjectionInput, today: string, correlationId: string): Promise<Filed | null> {
    const noticeStream = noticeStreamId(input.programmeId);
    const read = await this.streams.load(noticeStream, noticeDecider);
    const listed = noticeForObjection(read.state);
    if (!listed) throw new NoticeNotFoundError();
    // Withdrawn or rejected since the notice's round was published, a nomination stays in its list
    // until the next round, yet the public notice no longer shows it and nothing is left to object
    // to (a probe filed against one; upheld, it withdrew nothing). Not listed, then.
    const nominationStream = nominationStreamId(input.nominationId);
    const nomination = await this.streams.load(nominationStream, nominationDecider);
    const { status } = nomination.state;
    const gone = status === 'withdrawn' || status === 'rejected';
    const notice = gone ? { ...listed, listed: listed.listed.filter((id) => id !== input.nominationId) } : listed;
    const objectionId = sameObjectionId(notice.programmeId, notice.round, input.nominationId, input.grounds);
    const stream = objectionStreamId(objectionId);
    const { state, version } = await this.streams.load(stream, objectionDecider);
    if (state.trackingCode) return { trackingCode: state.trackingCode, objectionId, recorded: false };
    const trackingCode = this.codes.next();
    const events = objectionDecider.decide(
      {
        type: 'FileObjection',
        data: {
          objectionId,
          trackingCode,
          nominationId: input.nominationId,
          named: !!input.name,
          hasContact: !!input.contact,
          grounds: input.grounds,
          today,
          notice,
        },
      },
      state,
    );
    try {
      // Through the lock's own transaction: kept only if the filing still holds its lock.
      await locked.appendAll(
        [
          {
            streamId: stream,
            events,
            expectedVersion: version,
            context: { actor: PUBLIC_ACTOR, orgId: notice.awardingOrgId, correlationId },
          },
        ],
        [
          { streamId: noticeStream, version: read.version },
          { streamId: nominationStream, version: nomination.version },
        ],
      );
    } catch (e) {
      if (!(e instanceof ConcurrentChangeError)) throw e;
      // The same objection sent twice at once: the one recorded answers both. Not recorded, it was
      // the notice or the nomination that moved (only a filing starts an objection's stream).
      const filed = (await this.streams.load(stream, objectionDecider)).state.trackingCode;
      if (!filed) return null;
      return { trackingCode: filed, objectionId, recorded: false };
    }
    return { trackingCode, objectionId, recorded: true };
  }
}
