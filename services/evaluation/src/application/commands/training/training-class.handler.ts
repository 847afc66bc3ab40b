import { Inject, Injectable } from '@nestjs/common';
import { trainingClassDecider, type RosterTrainee, type TrainingClassCommand, type TrainingClassState } from '@vanguard/evaluation-domain';
import type { ContractData, TrainingClassOpened } from '@vanguard/contracts';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { readPathOrFail } from '../pledge-access';

export class TrainingClassNotFoundError extends DomainError {
  constructor(classId: string) {
    super('TRAINING.NOT_FOUND', 'not_found', `培训班不存在 / no training class ${classId}`);
  }
}

export const trainingClassStream = (classId: string) => `training-class-${classId}`;

export type OpenTrainingClassInput = Omit<ContractData<typeof TrainingClassOpened>, 'classId' | 'decision'> & { readonly reason: string };

/**
 * 教育培训: open a class, enrol trainees read from the roster (each one's organisation and its path),
 * record attendance after the end. Handlers load, decide, append; the rules are the decider's.
 */
@Injectable()
export class TrainingClassHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async open(input: OpenTrainingClassInput, ctx: CommandContext): Promise<{ classId: string; version: number }> {
    const orgPath = await readPathOrFail(this.tree, input.orgId);
    if (!this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new OutOfScopeError();
    const classId = this.ids.next();
    const { reason, ...data } = input;
    const version = await this.decide(
      classId,
      trainingClassDecider.initialState(),
      0,
      { type: 'OpenTrainingClass', data: { ...data, classId, orgPath, decidedBy: decidedBy(ctx), reason } },
      ctx,
      input.orgId,
    );
    return { classId, version };
  }

  async enrol(classId: string, memberIds: readonly string[], reason: string, ctx: CommandContext): Promise<{ version: number }> {
    const { state, version, orgId } = await this.load(classId, ctx);
    const trainees: RosterTrainee[] = await Promise.all(
      memberIds.map(async (memberId) => {
        const m = await this.roster.member(memberId);
        if (!m || !m.active) return { memberId, orgId: null, orgPath: null };
        return { memberId, orgId: m.orgId, orgPath: await this.tree.readPath(m.orgId) };
      }),
    );
    const orgPath = await readPathOrFail(this.tree, orgId);
    const command: TrainingClassCommand = {
      type: 'EnrolTrainees',
      data: { trainees, today: this.clock.today(), orgPath, decidedBy: decidedBy(ctx), reason },
    };
    return { version: await this.decide(classId, state, version, command, ctx, orgId) };
  }

  async attendance(
    classId: string,
    attendance: readonly { memberId: string; sessionsAttended: number }[],
    reason: string,
    ctx: CommandContext,
  ): Promise<{ version: number }> {
    const { state, version, orgId } = await this.load(classId, ctx);
    const orgPath = await readPathOrFail(this.tree, orgId);
    const command: TrainingClassCommand = {
      type: 'RecordTrainingAttendance',
      data: { attendance, today: this.clock.today(), orgPath, decidedBy: decidedBy(ctx), reason },
    };
    return { version: await this.decide(classId, state, version, command, ctx, orgId) };
  }

  /** A class organised in the caller's subtree; any other answers like one that does not exist. */
  private async load(classId: string, ctx: CommandContext): Promise<{ state: TrainingClassState; version: number; orgId: string }> {
    const { state, version } = await this.streams.load(trainingClassStream(classId), trainingClassDecider);
    if (!state.opened || !state.orgId || !this.tree.isWithin(ctx.caller.orgId, state.orgId)) throw new TrainingClassNotFoundError(classId);
    return { state, version, orgId: state.orgId };
  }

  private async decide(
    classId: string,
    state: TrainingClassState,
    version: number,
    command: TrainingClassCommand,
    ctx: CommandContext,
    orgId: string,
  ): Promise<number> {
    const events = trainingClassDecider.decide(command, state);
    return this.streams.append(trainingClassStream(classId), events, version, streamContext(ctx, orgId));
  }
}
