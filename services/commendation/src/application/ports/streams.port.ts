import { DomainError, type Decider } from '@vanguard/kernel';

export const STREAMS = Symbol('STREAMS');

/** Who and why, recorded on every event of one command. */
export interface StreamContext {
  readonly actor: { readonly sub: string; readonly roles: readonly string[]; readonly orgId?: string; readonly kind?: 'user' | 'service' };
  readonly orgId: string;
  readonly correlationId: string;
}

export interface Loaded<S> {
  readonly state: S;
  /** The stream's version as folded: the expected version of the next append. */
  readonly version: number;
}

/** The event store as the handlers see it: fold a stream with a decider, append expecting a version. */
export interface StreamsPort {
  load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>>;
  /** Refuses with a conflict (STREAM.CONCURRENT_CHANGE) when the stream moved past `expectedVersion`. */
  append(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number>;
}

/** Someone else changed the stream between our read and our append: the caller may retry. */
export class ConcurrentChangeError extends DomainError {
  constructor(streamId: string) {
    super(
      'STREAM.CONCURRENT_CHANGE',
      'conflict',
      `该记录刚被他人修改，请刷新后重试 / ${streamId} was changed meanwhile; reload and try again`,
    );
  }
}
