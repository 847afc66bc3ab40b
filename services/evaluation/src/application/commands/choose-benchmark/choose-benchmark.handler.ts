import { Inject, Injectable } from '@nestjs/common';
import { benchmarkDecider, type ChooseBenchmark } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { benchmarkStream } from '../benchmark-access/benchmark-access';
import { OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { memberActiveOrNotFound } from '../member-subject';
import { pathOrFail } from '../pledge-access';

export type ChooseBenchmarkInput = Omit<ChooseBenchmark['data'], 'benchmarkId' | 'today'>;

/** An organisation benchmarking is its own subject: the subject's id is the organisation's. */
export class BenchmarkSubjectIsTheOrganisationError extends DomainError {
  constructor() {
    super('BENCHMARK.SUBJECT_NOT_ORG', 'invalid', 'subject.id: 组织对标时主体须为该组织 / an organisation’s subject is itself (orgId)');
  }
}

/** 对标定位: an organisation in the caller's subtree (or one of its members) picks a benchmark, its gaps and measures. */
@Injectable()
export class ChooseBenchmarkHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
    @Inject(ROSTER) private readonly roster: RosterPort,
  ) {}

  async execute(input: ChooseBenchmarkInput, ctx: CommandContext): Promise<{ benchmarkId: string; version: number }> {
    await pathOrFail(this.tree, input.orgId);
    if (!this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new OutOfScopeError();
    if (input.subject.kind === 'organization' && input.subject.id !== input.orgId) throw new BenchmarkSubjectIsTheOrganisationError();
    await memberActiveOrNotFound(this.roster, input.subject, input.orgId);
    const benchmarkId = this.ids.next();
    const stream = benchmarkStream(benchmarkId);
    const { state, version } = await this.streams.load(stream, benchmarkDecider);
    const events = benchmarkDecider.decide({ type: 'ChooseBenchmark', data: { ...input, benchmarkId, today: this.clock.today() } }, state);
    return { benchmarkId, version: await this.streams.append(stream, events, version, streamContext(ctx, input.orgId)) };
  }
}
