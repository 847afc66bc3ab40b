import { ORGANIZATION_STATE_TOPIC, contextTopic, type EventEnvelope } from '@vanguard/contracts';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { CountyClient } from './county-client';
import { subscribeWhenThere, untilAborted } from './county-replies';

/**
 * The public topics a county follows: the organisation state (compacted: read from the
 * beginning it is the whole tree, so the county learns which organisations are its own) and
 * the events topics of the two contexts that decide (evaluation, commendation).
 */
export const FOLLOWED_TOPICS = [ORGANIZATION_STATE_TOPIC, contextTopic('evaluation'), contextTopic('commendation')] as const;
const DECISION_TOPICS: readonly string[] = FOLLOWED_TOPICS.filter((t) => t !== ORGANIZATION_STATE_TOPIC);

/**
 * A new group reads the state topic from its beginning but the decision topics from now on
 * (unless `history`): the committed offsets are set to the topics' ends before it first joins,
 * so a county that goes offline right after starting still resumes from there, never from
 * "latest" (which would skip what was published while it was away).
 */
async function pinStart(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      const unset = partitions.filter((p) => p.offset === '-1').map((p) => p.partition);
      if (unset.length === 0) continue;
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.filter((e) => unset.includes(e.partition)).map((e) => ({ partition: e.partition, offset: e.high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** 中文 labels of the decisions a county shows; other decisions show their type. */
const DECISION_LABEL: Readonly<Record<string, string>> = {
  'evaluation.PledgeFiled': '承诺备案',
  'evaluation.PledgeReturned': '承诺退回',
  'evaluation.PledgeFulfilled': '承诺兑现',
  'evaluation.PledgeLapsed': '承诺未兑现',
  'evaluation.PledgeRated': '评诺结果',
  'evaluation.TierChanged': '晋档升级',
  'evaluation.OrganizationAssessed': '组织评定',
  'evaluation.ReviewConcluded': '民主评议结论',
  'evaluation.ReviewApproved': '民主评议审定',
  'evaluation.QuarterPioneerSelected': '一季一先锋',
  'evaluation.MassEvaluationPublished': '群众评议结果公布',
  'evaluation.BenchmarkReached': '对标达标',
  'evaluation.MassEvaluationTallyRecorded': '群众评议计票结果',
  'commendation.CommendationDecided': '表彰决定',
  'commendation.CommendationRevoked': '撤销表彰',
  'commendation.NominationRejected': '推荐未通过',
  'commendation.ObjectionUpheld': '异议成立',
  'commendation.ObjectionDismissed': '异议不成立',
};

export interface FollowedDecision {
  readonly eventId: string;
  readonly type: string;
  readonly label: string;
  readonly orgId: string;
  readonly streamId: string;
  readonly occurredAt: string;
  readonly reason?: string;
  readonly decidedBy?: string;
}

/** Pure: the decision an event records (its `data.decision`), or undefined when it records none. */
export function decisionOf(envelope: EventEnvelope): FollowedDecision | undefined {
  const data = envelope.data as { decision?: { reason?: string; decidedBy?: { role?: string; orgId?: string } } } | null;
  if (!data || typeof data !== 'object' || !data.decision) return undefined;
  const reason = data.decision.reason?.trim();
  return {
    eventId: envelope.eventId,
    type: envelope.type,
    label: DECISION_LABEL[envelope.type] ?? envelope.type,
    orgId: envelope.orgId,
    streamId: envelope.streamId,
    occurredAt: envelope.occurredAt,
    ...(reason ? { reason } : {}),
    ...(data.decision.decidedBy?.role ? { decidedBy: data.decision.decidedBy.role } : {}),
  };
}

export function describeDecision(d: FollowedDecision): string {
  return `决定 ${d.label}: 组织 ${d.orgId}，${d.streamId}，${d.occurredAt}${d.decidedBy ? `，决定角色 ${d.decidedBy}` : ''}${d.reason ? `，理由: ${d.reason}` : ''}`;
}

/**
 * Which organisations are the county's: pure, fed with organisation state records. An
 * organisation is the county's when the county organisation is on its path; a state record that
 * moves it elsewhere removes it. Decisions about an organisation not (yet) known are held until
 * its state arrives (the state and events topics are read side by side, not in one order).
 */
export class CountyOrganizations {
  private readonly held = new Map<string, FollowedDecision[]>();

  constructor(
    readonly countyOrgId: string,
    private readonly known: Map<string, boolean> = new Map(),
  ) {}

  /** Applies one OrganizationState; returns the held decisions it releases (now known to be the county's). */
  applyState(data: { orgId?: unknown; path?: unknown }): FollowedDecision[] {
    if (typeof data.orgId !== 'string' || !Array.isArray(data.path)) return [];
    const ours = data.orgId === this.countyOrgId || data.path.includes(this.countyOrgId);
    this.known.set(data.orgId, ours);
    const held = this.held.get(data.orgId) ?? [];
    this.held.delete(data.orgId);
    return ours ? held : [];
  }

  /** The decision if it is the county's, `undefined` if not or not yet known (then held). */
  admit(d: FollowedDecision): FollowedDecision | undefined {
    if (d.orgId === this.countyOrgId) return d;
    const ours = this.known.get(d.orgId);
    if (ours === undefined) this.held.set(d.orgId, [...(this.held.get(d.orgId) ?? []), d]);
    return ours ? d : undefined;
  }

  snapshot(): Record<string, boolean> {
    return Object.fromEntries(this.known);
  }
}

export interface FollowOptions {
  /** Default `<clientId>.follow`. */
  readonly groupId?: string;
  /** A new group reads past decisions too (default: from when it first starts). */
  readonly history?: boolean;
  readonly onDecision: (d: FollowedDecision) => void | Promise<void>;
  readonly signal: AbortSignal;
  /** Which of FOLLOWED_TOPICS exist and are followed (the others are not yet created). */
  readonly onSubscribed?: (topics: readonly string[]) => void;
}

/**
 * Follows the public topics in the county's own consumer group until `signal` aborts. A new
 * group starts at the beginning (bootstrap from the compacted state topic, then the events);
 * an existing one resumes from its committed offsets, so a county that was offline catches up
 * with what was published meanwhile. The organisations learnt are kept in the state directory,
 * since a resumed group does not read the state topic from the beginning again.
 */
export async function followDecisions(client: CountyClient, options: FollowOptions): Promise<void> {
  const { countyOrgId } = await client.identity();
  const saved = client.state.readDocument<Record<string, boolean>>('organizations') ?? {};
  const orgs = new CountyOrganizations(countyOrgId, new Map(Object.entries(saved)));
  const groupId = options.groupId ?? `${client.clientId}.follow`;
  const admin = client.kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
  if (!options.history)
    await pinStart(
      client.kafka,
      groupId,
      DECISION_TOPICS.filter((t) => existing.has(t)),
    );
  const consumer = client.kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    const subscribed = await subscribeWhenThere(client.kafka, consumer, FOLLOWED_TOPICS, true, options.signal);
    options.onSubscribed?.(subscribed);
    if (options.signal.aborted) return;
    await consumer.run({
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        let treeChanged = false;
        for (const m of batch.messages) {
          const envelope = parse(m.value);
          if (envelope && batch.topic === ORGANIZATION_STATE_TOPIC) {
            treeChanged = true;
            for (const d of orgs.applyState(envelope.data as { orgId?: unknown; path?: unknown })) await options.onDecision(d);
          } else if (envelope) {
            const decision = decisionOf(envelope);
            const admitted = decision && orgs.admit(decision);
            if (admitted) await options.onDecision(admitted);
          }
          payload.resolveOffset(m.offset);
        }
        if (treeChanged) client.state.writeDocument('organizations', orgs.snapshot());
        await payload.heartbeat();
      },
    });
    await untilAborted(options.signal);
  } finally {
    await consumer.disconnect();
  }
}

function parse(value: Buffer | null): EventEnvelope | undefined {
  if (!value) return undefined;
  try {
    const e = JSON.parse(value.toString('utf8')) as EventEnvelope;
    return typeof e.type === 'string' && typeof e.orgId === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}
