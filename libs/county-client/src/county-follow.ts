import { ORGANIZATION_STATE_TOPIC, countyDecisionTopic, type EventEnvelope } from '@vanguard/contracts';
import type { EventVerifier } from '@vanguard/auth';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { CountyClient } from './county-client';
import { checkDecisionSignature, decisionVerifier, type ForgedDecision } from './county-decision-check';
import { subscribeWhenThere, untilAborted } from './county-replies';

/**
 * The topics a county follows: the organisation state (compacted: read from the beginning it is
 * the whole tree, so the county learns which organisations are its own; no persons in it) and its
 * own decision topic, where the platform copies evaluation's and commendation's decisions about
 * its organisations. The contexts' events topics name every county's members: a county's ACLs
 * do not let it read them (ADR 0062).
 */
export function followedTopics(clientId: string, decisionTopic = countyDecisionTopic(clientId)): readonly [string, string] {
  return [ORGANIZATION_STATE_TOPIC, decisionTopic];
}

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
  'organization.MemberTransferred': '党员转入',
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
  /** The platform member transferred in: the id the county's roster names him by from now on. */
  readonly memberId?: string;
}

/**
 * Pure: the decision an event records (its `data.decision`), or a member transferred into the
 * county (organisation's fact on the decision topic, by platform member id), else undefined.
 */
export function decisionOf(envelope: EventEnvelope): FollowedDecision | undefined {
  const data = envelope.data as {
    decision?: { reason?: string; decidedBy?: { role?: string; orgId?: string } };
    memberId?: unknown;
  } | null;
  if (data && typeof data === 'object' && envelope.type.startsWith('organization.') && typeof data.memberId === 'string')
    return DECISION_LABEL[envelope.type]
      ? {
          eventId: envelope.eventId,
          type: envelope.type,
          label: DECISION_LABEL[envelope.type]!,
          orgId: envelope.orgId,
          streamId: envelope.streamId,
          occurredAt: envelope.occurredAt,
          memberId: data.memberId,
        }
      : undefined;
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
  const member = d.memberId ? `，平台成员 ${d.memberId}（花名册以此 id 称呼他）` : '';
  return `决定 ${d.label}: 组织 ${d.orgId}，${d.streamId}，${d.occurredAt}${member}${d.decidedBy ? `，决定角色 ${d.decidedBy}` : ''}${d.reason ? `，理由: ${d.reason}` : ''}`;
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
  /**
   * Default `vanguard.county.decisions.<clientId>.v1`. Another topic is for tests: they put their
   * made-up decisions on a topic of their own, never on the county's real one (kept 30 days,
   * read by the county's real `follow`, which would show them as made).
   */
  readonly decisionTopic?: string;
  /** A new group reads past decisions too (default: from when it first starts). */
  readonly history?: boolean;
  readonly onDecision: (d: FollowedDecision) => void | Promise<void>;
  readonly signal: AbortSignal;
  /** Which of followedTopics exist and are followed (the others are not yet created). */
  readonly onSubscribed?: (topics: readonly string[]) => void;
  /** The deciding contexts' verify keys; default decisionVerifier() (from the environment). */
  readonly verifier?: EventVerifier;
  /**
   * Without `verifier`: accept the public development keys for a context whose
   * `<CONTEXT>_EVENT_VERIFY_KEYS` is unset (a local platform only); else follow refuses to start.
   */
  readonly allowDevelopmentKey?: boolean;
  /** A decision whose producer did not sign it: not passed to onDecision (default: ignored after the check). */
  readonly onForged?: (f: ForgedDecision) => void | Promise<void>;
}

/**
 * What `follow` does with one record: a state record extends the tree (and releases the decisions
 * held for it); a decision is shown only when its own context's producer signed it (a forged one
 * is reported, never held or shown) and it is about one of the county's organisations.
 */
export class FollowedRecords {
  constructor(
    private readonly orgs: CountyOrganizations,
    private readonly verifier: EventVerifier,
    private readonly on: Pick<FollowOptions, 'onDecision' | 'onForged'>,
  ) {}

  /** Handles one record of `topic`; answers whether the tree changed. */
  async handle(topic: string, value: Buffer | null): Promise<boolean> {
    const envelope = parse(value);
    if (!envelope) return false;
    if (topic === ORGANIZATION_STATE_TOPIC) {
      for (const d of this.orgs.applyState(envelope.data as { orgId?: unknown; path?: unknown })) await this.on.onDecision(d);
      return true;
    }
    const decision = decisionOf(envelope);
    if (!decision) return false;
    const signed = checkDecisionSignature(envelope, this.verifier);
    if (!signed.ok) {
      await this.on.onForged?.(signed.forged);
      return false;
    }
    const admitted = this.orgs.admit(decision);
    if (admitted) await this.on.onDecision(admitted);
    return false;
  }
}

/**
 * Follows the public topics in the county's own consumer group until `signal` aborts. A new
 * group starts at the beginning (bootstrap from the compacted state topic, then the events);
 * an existing one resumes from its committed offsets, so a county that was offline catches up
 * with what was published meanwhile. The organisations learnt are kept in the state directory,
 * since a resumed group does not read the state topic from the beginning again.
 */
export async function followDecisions(client: CountyClient, options: FollowOptions): Promise<void> {
  // Refuses before connecting anything when a context's keys are the development ones.
  const verifier = options.verifier ?? decisionVerifier(process.env, { allowDevelopmentKey: options.allowDevelopmentKey === true });
  const { countyOrgId } = await client.identity();
  const saved = client.state.readDocument<Record<string, boolean>>('organizations') ?? {};
  const orgs = new CountyOrganizations(countyOrgId, new Map(Object.entries(saved)));
  const groupId = options.groupId ?? `${client.clientId}.follow`;
  const topics = followedTopics(client.clientId, options.decisionTopic);
  const records = new FollowedRecords(orgs, verifier, options);
  const admin = client.kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
  if (!options.history)
    await pinStart(
      client.kafka,
      groupId,
      topics.slice(1).filter((t) => existing.has(t)),
    );
  const consumer = client.kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    const subscribed = await subscribeWhenThere(client.kafka, consumer, topics, true, options.signal);
    options.onSubscribed?.(subscribed);
    if (options.signal.aborted) return;
    await consumer.run({
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        let treeChanged = false;
        for (const m of batch.messages) {
          treeChanged = (await records.handle(batch.topic, m.value)) || treeChanged;
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
