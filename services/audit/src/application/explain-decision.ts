import type { RecordedEvent } from '@vanguard/event-store';
import { DomainError } from '@vanguard/kernel';
import {
  DECISION_REPLAYERS,
  replayDecision,
  satisfactionSource,
  streamsToRead,
  type ReplayFacts,
  type StreamsRead,
} from '@vanguard/evaluation-domain';
import type { AuditReader } from './audit-reader';
import { AuditRefusal } from './audit-refusal';
import { COMMENDATION_REPLAYERS, explainCommendationDecision, explainEligibilityCheck } from './explain-commendation';
import { diffFields } from './field-diff';
import { redact } from './redaction';

interface DecisionData {
  decision?: { inputs?: { streamId: string; version: number }[]; rule?: { id: string; version: number } };
}

/**
 * Replays a recorded decision with the owning context's own decider (ADR 0021): its recorded
 * inputs at their recorded versions, its recorded rule versions, never the ones in force; says
 * whether the recorded outcome comes back and, when it does not, which fields differ.
 */
export async function explainDecision(reader: AuditReader, streamId: string, version: number) {
  const { kind, events } = await reader.events(streamId);
  const event = events[version - 1];
  if (!event) throw AuditRefusal.notFound(`version ${version} of ${streamId}`);
  const decision = (event.data as DecisionData | null)?.decision;
  if (!decision) throw AuditRefusal.notReplayable('AUDIT.NOT_A_DECISION', `${event.type} 不是决定 / ${event.type} records no decision`);
  if (kind.context === 'commendation' && COMMENDATION_REPLAYERS.has(event.type)) {
    const replay =
      event.type === 'commendation.EligibilityChecked'
        ? await explainEligibilityCheck(reader, event)
        : await explainCommendationDecision(reader, events, version);
    return { ...header(streamId, version, event, decision), ...replay };
  }
  if (kind.context !== 'evaluation' || !DECISION_REPLAYERS[event.type])
    throw AuditRefusal.notReplayable(
      'AUDIT.NO_REPLAYER',
      `${event.type} 暂无重放器 / no replayer for ${event.type} yet: its timeline, inputs and rule version are shown by timeline and as-of`,
    );
  // Listing what the decision read is the replay's too: a fact it cannot find is its refusal (422).
  const read = notReplayableIfRefused(() => streamsToRead({ type: event.type, data: event.data }));
  const facts: ReplayFacts = {
    satisfactionPermille: await satisfactionRead(reader, decision.inputs ?? []),
    streamsRead: await otherStreamsRead(reader, read),
  };
  const replay = notReplayableIfRefused(() =>
    replayDecision(
      // The decider's events are type and data: the envelope (ids, times, chain) is the store's, not the decision's.
      events.map((e) => ({ type: e.type, data: e.data })),
      version - 1,
      facts,
    ),
  );
  const recorded = redact(replay.recorded.map((e) => ({ type: e.type, data: e.data })));
  const replayed = redact(replay.replayed.map((e) => ({ type: e.type, data: e.data })));
  return {
    ...header(streamId, version, event, decision),
    ruleVersionsRun: replay.ruleVersions,
    streamsRead: read,
    reproduced: replay.matches,
    refusal: replay.refusal,
    differences: replay.matches ? [] : diffFields(recorded, replayed),
    recorded,
    replayed,
  };
}

function header(streamId: string, version: number, event: RecordedEvent, decision: NonNullable<DecisionData['decision']>) {
  return {
    streamId,
    version,
    type: event.type,
    recordedAt: event.recordedAt,
    decidedBy: event.actor.sub,
    rule: decision.rule ?? null,
    inputs: decision.inputs ?? [],
  };
}

/**
 * An assessment that read a satisfaction rate (an online window or a county's count) used it at
 * the version it recorded reading; the evaluation domain says which decider folds which input.
 */
async function satisfactionRead(
  reader: AuditReader,
  inputs: readonly { streamId: string; version: number }[],
): Promise<number | null | undefined> {
  for (const input of inputs) {
    const decider = satisfactionSource(input.streamId);
    if (!decider) continue;
    const { state } = await reader.stores.evaluation.asOf(input.streamId, decider, { version: input.version });
    return (state as { satisfactionPermille: number | null }).satisfactionPermille;
  }
  return undefined;
}

/**
 * The other streams of the context a decision read (a round's opening its zone and campaign, its
 * findings the round), each up to the version it recorded reading — never the head — for the
 * domain's replayer to fold (ADR 0067). A stream holding fewer events comes back short, and the
 * replay refuses it as a missing fact.
 */
async function otherStreamsRead(reader: AuditReader, reads: readonly { streamId: string; version: number }[]): Promise<StreamsRead> {
  const streams: Record<string, readonly { type: string; data: unknown }[]> = {};
  for (const { streamId, version } of reads) {
    const events = version > 0 ? await reader.stores.evaluation.readStream(streamId, { maxCount: version }) : [];
    streams[streamId] = events.map((e) => ({ type: e.type, data: e.data }));
  }
  return streams;
}

/** The replay's own refusals (a rule version unknown, a fact missing) as the auditor's 422, naming them. */
function notReplayableIfRefused<T>(replay: () => T): T {
  try {
    return replay();
  } catch (e) {
    if (e instanceof DomainError) throw AuditRefusal.notReplayable(e.code, e.message);
    throw e;
  }
}
