import { Inject, Injectable } from '@nestjs/common';
import { recordsToCount, windowUnitDecider, windowUnitStream, type ServiceRecord, type WindowUnitState } from '@vanguard/evaluation-domain';
import type { VanguardPost } from '@vanguard/contracts';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { VANGUARD_POSTS, type VanguardPostsPort } from '../../ports/vanguard-posts.port';
import { WINDOW_UNIT_CONTACTS, type WindowUnitContactsPort } from '../../ports/window-unit-contacts.port';
import { WINDOW_UNIT_RECORDS, type WindowUnitRecordsPort } from '../../ports/window-unit-records.port';
import { decidedBy, OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { readPathOrFail } from '../pledge-access';

export class WindowUnitNotFoundError extends DomainError {
  constructor(orgId: string) {
    super('WINDOW_UNIT.NOT_FOUND', 'not_found', `不是已公开承诺的窗口单位 / no window unit ${orgId}`);
  }
}

export interface WindowCommitmentsInput {
  readonly serviceName: string;
  readonly duties: string;
  readonly process: string;
  readonly discipline: string;
  readonly servicePhone: string;
  readonly reason: string;
}

/** 亮牌示范 as the public page names the posts. */
export const VANGUARD_POST_LABELS: Readonly<Record<VanguardPost, string>> = {
  pioneer_post: '党员先锋岗',
  model_post: '党员示范岗',
  responsibility_zone: '党员责任区',
  model_household: '党员示范户',
};

/** The public page: what the unit published and the services counted, by month and kind — nothing about a person. */
export interface WindowUnitPage {
  readonly orgId: string;
  readonly serviceName: string;
  readonly duties: string;
  readonly process: string;
  readonly discipline: string;
  readonly servicePhone: string;
  readonly publishedOn: string;
  readonly services: { month: string; kind: string; count: number }[];
  /** 亮身份: how many of the unit's active members hold each kind of post — counts, never who (ADR 0052). */
  readonly vanguardPosts: { post: VanguardPost; label: string; members: number }[];
}

/** 窗口单位: publish the commitments, count services from the unit's records, read the public page. */
@Injectable()
export class WindowUnitHandlers {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WINDOW_UNIT_CONTACTS) private readonly contacts: WindowUnitContactsPort,
    @Inject(VANGUARD_POSTS) private readonly posts: VanguardPostsPort,
    @Inject(WINDOW_UNIT_RECORDS) private readonly records: WindowUnitRecordsPort,
  ) {}

  async publish(orgId: string, input: WindowCommitmentsInput, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx);
    if (!this.tree.isWithin(ctx.caller.orgId, orgId)) throw new OutOfScopeError();
    const orgPath = await readPathOrFail(this.tree, orgId);
    const stream = windowUnitStream(orgId);
    const { state, version } = await this.streams.load(stream, windowUnitDecider);
    const events = windowUnitDecider.decide(
      { type: 'PublishWindowCommitments', data: { orgId, ...input, publishedOn: this.clock.today(), orgPath, decidedBy: by } },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, orgId));
    // The decider has checked the phone; it is kept beside the stream, never in the event, and only
    // once the append held: saved before, a publication refused 409 still changed the public page.
    await this.contacts.save(orgId, input.servicePhone, next);
    return { version: next };
  }

  /**
   * A batch of the unit's records, counted once per batch id (a resent batch answers 409
   * WINDOW_UNIT.BATCH_COUNTED) and a record id once for the unit (ADR 0122): the ids counted before are
   * read, and the ids counted now noted, in the transaction that appends, so they hold exactly what
   * committed. A batch with nothing left to count answers 409 WINDOW_UNIT.RECORDS_COUNTED.
   */
  async count(
    orgId: string,
    input: { batchId: string; source: 'import' | 'county'; records: readonly ServiceRecord[] },
    ctx: CommandContext,
  ): Promise<{ counted: number; version: number }> {
    const by = decidedBy(ctx);
    if (!this.tree.isWithin(ctx.caller.orgId, orgId)) throw new OutOfScopeError();
    const orgPath = await readPathOrFail(this.tree, orgId);
    const stream = windowUnitStream(orgId);
    const { state, version } = await this.streams.load(stream, windowUnitDecider);
    return this.records.transaction(async (index) => {
      const countedBefore = await index.countedBefore(
        orgId,
        input.records.map((r) => r.recordId),
      );
      const events = windowUnitDecider.decide(
        { type: 'CountWindowServices', data: { orgId, ...input, countedBefore, countedOn: this.clock.today(), orgPath, decidedBy: by } },
        state,
      );
      const next = await index.append(stream, events, version, streamContext(ctx, orgId));
      const counted = recordsToCount(input.records, countedBefore, state).map((r) => r.recordId);
      await index.remember(orgId, input.batchId, counted);
      return { counted: counted.length, version: next };
    });
  }

  async page(orgId: string): Promise<WindowUnitPage> {
    const { state } = await this.streams.load<never, WindowUnitState, never>(windowUnitStream(orgId), windowUnitDecider as never);
    const c = state.commitments;
    if (!c) throw new WindowUnitNotFoundError(orgId);
    const services = [...state.counts].map(([key, count]) => {
      const [month, kind] = key.split('|') as [string, string];
      return { month, kind, count };
    });
    return {
      orgId,
      serviceName: c.serviceName,
      duties: c.duties,
      process: c.process,
      discipline: c.discipline,
      servicePhone: (await this.contacts.phoneOf(orgId)) ?? '',
      publishedOn: c.publishedOn,
      services: services.sort((a, b) => (a.month + a.kind < b.month + b.kind ? -1 : 1)),
      vanguardPosts: (await this.posts.heldIn(orgId)).map((p) => ({
        post: p.post,
        label: VANGUARD_POST_LABELS[p.post],
        members: p.members,
      })),
    };
  }
}
