import { Inject, Injectable } from '@nestjs/common';
import {
  nominationDecider,
  placesDecider,
  placesHeld,
  placesStreamId,
  type DecidedBy,
  type GrantPlace,
  type NominationEvent,
  type NominationState,
  type PlaceLevel,
  type PlacesEvent,
  type PlacesState,
  type QuotaFacts,
  type ReleasePlaces,
} from '@vanguard/commendation-domain';
import { ConcurrentChangeError, STREAMS, type StreamContext, type StreamWrite, type StreamsPort } from '../../ports/streams.port';

/** A unit's places stream as read: its state and the version the append expects. */
export interface PlacesRead {
  readonly streamId: string;
  readonly state: PlacesState;
  readonly version: number;
}

/**
 * 名额 as a stream per programme and unit (ADR 0036, amended): the handlers count the places
 * held on it and append the place taken or given back in the same append as the nomination's
 * event, expecting the version they counted. Two reviewers taking the unit's last place at
 * once: one append wins, the other reads again and is refused by the quota rule.
 */
@Injectable()
export class UnitPlaces {
  /** Per places stream, the end of the queue of commands waiting for their turn in this process. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(@Inject(STREAMS) private readonly streams: StreamsPort) {}

  /**
   * Runs `work` when this process's earlier commands on the unit's places stream are done. Not
   * what makes places safe (the expected version does, across replicas too): without it, a
   * dozen reviewers of one unit at once would mostly lose the append and run again.
   */
  async inTurn<T>(programmeId: string, unitOrgId: string | null, work: () => Promise<T>): Promise<T> {
    if (!unitOrgId) return work();
    const key = placesStreamId(programmeId, unitOrgId);
    const before = this.turns.get(key) ?? Promise.resolve();
    let done!: () => void;
    const tail = before.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.turns.set(key, tail);
    await before;
    try {
      return await work();
    } finally {
      done();
      if (this.turns.get(key) === tail) this.turns.delete(key);
    }
  }

  async read(programmeId: string, unitOrgId: string): Promise<PlacesRead> {
    const streamId = placesStreamId(programmeId, unitOrgId);
    const { state, version } = await this.streams.load(streamId, placesDecider);
    return { streamId, state, version };
  }

  /** The quota facts the nomination decider judges: the allocation, the places others hold at `level`, and where that was read. */
  quota(read: PlacesRead, places: number, category: NominationState['category'], level: PlaceLevel, nominationId: string): QuotaFacts {
    return {
      places,
      used: category ? placesHeld(read.state, category, level, nominationId) : 0,
      stream: { streamId: read.streamId, version: read.version },
    };
  }

  grant(read: PlacesRead, data: GrantPlace['data']): PlacesEvent[] {
    return placesDecider.decide({ type: 'GrantPlace', data }, read.state);
  }

  /** What the nomination gives back once `events` are applied to it (nothing when it holds nothing). */
  release(
    read: PlacesRead,
    nomination: { state: NominationState; version: number; events: readonly NominationEvent[] },
    because: ReleasePlaces['data']['because'],
    decidedBy: DecidedBy,
    reason: string,
  ): PlacesEvent[] {
    const after = nomination.events.reduce((s, e) => nominationDecider.evolve(s, e), nomination.state);
    const s = nomination.state;
    return placesDecider.decide(
      {
        type: 'ReleasePlaces',
        data: {
          programmeId: s.programmeId!,
          unitOrgId: s.unitOrgId!,
          category: s.category!,
          nominationId: s.nominationId!,
          because,
          status: after.status,
          nomination: { streamId: `nomination-${s.nominationId!}`, version: nomination.version },
          decidedBy,
          reason,
        },
      },
      read.state,
    );
  }

  /** The places stream's write beside the nomination's, its org scope the unit. */
  write(read: PlacesRead, events: readonly PlacesEvent[], context: StreamContext, unitOrgId: string): StreamWrite {
    return { streamId: read.streamId, events, expectedVersion: read.version, context: { ...context, orgId: unitOrgId } };
  }
}

const ATTEMPTS = 20;

/**
 * Runs a command again, reading everything afresh, when a stream it appends to moved meanwhile
 * (most often the unit's places stream, which every nomination of the unit appends to). The
 * pause grows and is jittered so racers spread out; after the last attempt the 409 stands.
 */
export async function againOnConcurrentChange<T>(command: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (e) {
      if (!(e instanceof ConcurrentChangeError) || attempt >= ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6))));
    }
  }
}
