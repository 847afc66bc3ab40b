import { z } from 'zod';
import { EventVerifier, eventKeyVariables, type SignatureRefusal } from '@vanguard/auth/event-signatures';
import { decidedBySchema, decisionSchema, envelopeSchema, type EventEnvelope } from '@vanguard/contracts';
import { chinaTimeOf } from '@vanguard/kernel';

// A county acts on the platform's decisions (it files them, tells its members), so it takes one
// only when the context that decides signed it (ADR 0059, ADR 0062): the decision feed that
// carries them to the county, the broker and anyone who can write to a topic cannot forge one.
// Nothing of a record is read before it proved to be an envelope and, for a decision, before its
// signature verified (ADR 0108): a record shaped by whoever could write to the topic must be
// reported and passed over, never make `follow` throw and stop.

/**
 * The contexts whose events a county acts on: evaluation's and commendation's decisions and
 * organisation's transfers into the county and 转正 on its decision topic, and organisation's state records,
 * which say where each organisation sits (their verify keys: `<CONTEXT>_EVENT_VERIFY_KEYS`).
 */
export const FOLLOWED_CONTEXTS = ['evaluation', 'commendation', 'organization'] as const;

/**
 * Refused: a followed context's verify keys are the public development ones, so anyone could sign
 * its decisions (the variable unset falls back to them). Only a local platform's demo allows it.
 */
export class DevelopmentKeyRefused extends Error {
  constructor(readonly variables: readonly string[]) {
    super(
      `未配置决定的验证密钥: ${variables.join(', ')} 未设置或含公开的开发密钥（任何人都能签）。` +
        `请设置 ${variables.map((v) => `${v}=<kid>=<base64 公钥>`).join(' ')}（向平台运维索取）；` +
        `仅本地演示平台可加 --allow-development-key`,
    );
    this.name = 'DevelopmentKeyRefused';
  }
}

/**
 * The producers' verify keys, from `EVALUATION_EVENT_VERIFY_KEYS`, `COMMENDATION_EVENT_VERIFY_KEYS`
 * and `ORGANIZATION_EVENT_VERIFY_KEYS` (`kid=<base64 public key>`, as the services take them).
 * A context whose keys are the public development ones (its variable unset, or listing them) is
 * refused unless `allowDevelopmentKey` — the audit CLI's rule: one context configured and another
 * forgotten would otherwise accept the forgotten context's decisions signed by anyone.
 */
export function decisionVerifier(env: NodeJS.ProcessEnv = process.env, options: { allowDevelopmentKey?: boolean } = {}): EventVerifier {
  const verifier = EventVerifier.forContexts(FOLLOWED_CONTEXTS, env);
  const development = FOLLOWED_CONTEXTS.filter((c) => verifier.usesDevelopmentKeyOf(c));
  if (development.length > 0 && options.allowDevelopmentKey !== true)
    throw new DevelopmentKeyRefused(development.map((c) => eventKeyVariables(c).verifyKeys));
  return verifier;
}

/** A decision event whose signature did not verify: never shown, reported. */
export interface ForgedDecision {
  readonly eventId: string;
  readonly type: string;
  readonly orgId: string;
  readonly reason: SignatureRefusal;
}

/** Pure: the event if its own context's producer signed it, else why not. */
export function checkDecisionSignature(
  envelope: EventEnvelope,
  verifier: EventVerifier,
): { ok: true } | { ok: false; forged: ForgedDecision } {
  const check = verifier.verify(envelope);
  if (check.ok) return { ok: true };
  return { ok: false, forged: { eventId: envelope.eventId, type: envelope.type, orgId: envelope.orgId, reason: check.reason } };
}

const REASON: Readonly<Record<SignatureRefusal, string>> = {
  unsigned: '未签名',
  'unknown-key': '签名密钥未知',
  'bad-signature': '签名无效',
  'other-context': '以其他上下文的密钥签名',
};

export function describeForged(f: ForgedDecision): string {
  return `拒收伪造的决定 ${f.type}（${REASON[f.reason]}）: 事件 ${f.eventId}，组织 ${f.orgId}`;
}

/** A state record organisation did not sign (checked as a decision is, ADR 0111): never applied, reported. */
export function describeForgedState(f: ForgedDecision): string {
  return `拒收伪造的组织状态 ${f.type}（${REASON[f.reason]}）: 事件 ${f.eventId}，组织 ${f.orgId}`;
}

/**
 * A record `follow` did not act on, where it lies and why: one bad record is passed over and
 * reported, never allowed to stop the records after it (ADR 0108).
 */
export interface SkippedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
}

export function describeSkipped(s: SkippedRecord): string {
  return `跳过记录 ${s.topic} 分区 ${s.partition} 偏移 ${s.offset}: ${s.reason}`;
}

/**
 * Pure: the envelope in a record's value, checked against the envelope's contract before any
 * field is read (a forged record may hold anything), or why it is none.
 */
export function readEnvelope(value: Buffer): { ok: true; envelope: EventEnvelope } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: '不是 JSON' };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, envelope: parsed.data };
  const fields = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(根)'}: ${i.message}`);
  return { ok: false, reason: `不是有效的事件信封（${fields.join('; ')}）` };
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
  'organization.MemberBecameFull': '预备党员转正',
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
  /** The platform member transferred in (the id the county's roster names him by from now on) or made full. */
  readonly memberId?: string;
  /** MemberBecameFull: the day his probation ended; the county's roster states him `full` from now on. */
  readonly fullOn?: string;
}

// Only the fields a county shows, in their contracts' types: a signed record is what its producer
// validated, yet a field of another type must be reported, never make `follow` throw.
const memberFactShape = z.object({ memberId: z.string(), fullOn: z.string().optional() });
const decisionShape = z.object({
  decision: z.object({
    reason: decisionSchema.shape.reason.optional(),
    decidedBy: z.object({ role: decidedBySchema.shape.role.optional() }).optional(),
  }),
});

/**
 * Pure: the decision an event records (its `data.decision`), or a member transferred into the
 * county or made full (organisation's facts on the decision topic, by platform member id);
 * `undefined` for an event that is neither, `malformed` (why) for a decision or fact whose fields
 * are not what its contract says.
 */
export function interpretDecision(envelope: EventEnvelope): { decision?: FollowedDecision; malformed?: string } {
  const about = {
    eventId: envelope.eventId,
    type: envelope.type,
    orgId: envelope.orgId,
    streamId: envelope.streamId,
    occurredAt: envelope.occurredAt,
  };
  const label = DECISION_LABEL[envelope.type];
  if (envelope.type.startsWith('organization.')) {
    if (!label) return {};
    const fact = memberFactShape.safeParse(envelope.data);
    if (!fact.success)
      return { malformed: `组织事实字段不合契约（${fact.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}）` };
    const { memberId, fullOn } = fact.data;
    return { decision: { ...about, label, memberId, ...(fullOn ? { fullOn } : {}) } };
  }
  const data = envelope.data as { decision?: unknown } | null;
  if (!data || typeof data !== 'object' || !data.decision) return {};
  const parsed = decisionShape.safeParse(data);
  if (!parsed.success)
    return { malformed: `决定字段不合契约（${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}）` };
  const { reason, decidedBy } = parsed.data.decision;
  return {
    decision: {
      ...about,
      label: label ?? envelope.type,
      ...(reason?.trim() ? { reason: reason.trim() } : {}),
      ...(decidedBy?.role ? { decidedBy: decidedBy.role } : {}),
    },
  };
}

/** Pure: the decision an event records, if it is one the county shows. */
export function decisionOf(envelope: EventEnvelope): FollowedDecision | undefined {
  return interpretDecision(envelope).decision;
}

export function describeDecision(d: FollowedDecision): string {
  const member = !d.memberId
    ? ''
    : d.fullOn
      ? `，平台成员 ${d.memberId}，转正日期 ${d.fullOn}（花名册中其状态应为 full）`
      : `，平台成员 ${d.memberId}（花名册以此 id 称呼他）`;
  return `决定 ${d.label}: 组织 ${d.orgId}，${d.streamId}，${chinaTimeOf(new Date(d.occurredAt))}${member}${d.decidedBy ? `，决定角色 ${d.decidedBy}` : ''}${d.reason ? `，理由: ${d.reason}` : ''}`;
}
