// `npm run audit -- checkpoints evaluation|commendation`: the log's history as published on
// vanguard.audit.checkpoints.v1 (ADR 0063), read from the topic's beginning and checked HERE — each
// event's envelope signature under audit's event key (AUDIT_EVENT_VERIFY_KEYS, ADR 0059), each note
// under the pinned log key with the event's size and root equal to the note's (proof-check.ts, not
// the lib that signed it), each witnessed note's cosignatures under the pinned witness keys reaching
// the quorum (VANGUARD_WITNESS_KEYS / _QUORUM, as the service is configured; ADR 0041) and naming
// every witness its cosignedBy names, one event per checkpoint and kind (a republication byte for
// byte the same), one root per size across signed and witnessed events whatever their order, and
// each size a prefix of the next (consistency proofs from the service, checked here). Exit 0 all
// hold, 3 one fails, 1 Kafka or the service failed, 2 bad usage.
//
//   checkpoints evaluation|commendation [--last n] [--store <schema>] [--topic <name>] [--key <vkey>] [--allow-development-key]
//   (--topic, else VANGUARD_CHECKPOINT_TOPIC, else vanguard.audit.checkpoints.v1)
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EventVerifier, eventKeyVariables } from '@vanguard/auth/event-signatures';
import { AUDIT_CHECKPOINT_TOPIC, type EventEnvelope } from '@vanguard/contracts';
import {
  WITNESS_KEYS_VARIABLE,
  WITNESS_QUORUM_VARIABLE,
  isDevelopmentWitnessKey,
  verifiedCosignatures,
  witnessPolicyFromEnv,
  type WitnessPolicy,
} from '@vanguard/transparency-log';
import { checkConsistency, openCheckpoint, ProofFailure, type Checkpoint } from './proof-check';
import { keyFor, type ProveArgs } from './prove-command';

interface CheckpointData {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly note: string;
  readonly cosignedBy?: readonly string[];
}
const KINDS = new Set(['audit.CheckpointSigned', 'audit.CheckpointWitnessed']);
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Every record of `key` on the topic up to its end as of now, in offset order. */
async function readStream(topic: string, key: string): Promise<string[]> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ clientId: 'audit-cli', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const values: string[] = [];
  if (!ends.size) return values;
  const consumer = kafka.consumer({ groupId: `audit-cli-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          if (message.key?.toString('utf8') === key && message.value) values.push(message.value.toString('utf8'));
          const end = ends.get(partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) ends.delete(partition);
          if (!ends.size) resolve();
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** audit's event keys: AUDIT_EVENT_VERIFY_KEYS, the public development key only when allowed. */
function eventVerifier(a: ProveArgs): EventVerifier {
  const variable = eventKeyVariables('audit').verifyKeys;
  if (!process.env[variable] && !a.has('allow-development-key'))
    a.usage(`pin the audit service's event key: ${variable}=<kid>=<base64 key> (demo data: --allow-development-key)`);
  const verifier = EventVerifier.forContexts(['audit']);
  if (verifier.usesDevelopmentKeyOf('audit') && !a.has('allow-development-key'))
    throw new ProofFailure('这是公开的开发密钥，任何人都能签', `${variable} holds the public development key, anyone can sign with it`);
  return verifier;
}

/** The witnesses whose cosignatures count and the quorum, as the service has them; the development ones only when allowed. */
function witnessPolicy(a: ProveArgs): WitnessPolicy {
  if (!process.env[WITNESS_KEYS_VARIABLE]?.trim() && !a.has('allow-development-key'))
    a.usage(
      `pin the county witnesses' keys: ${WITNESS_KEYS_VARIABLE}=<vkey> … [${WITNESS_QUORUM_VARIABLE}=k] (demo data: --allow-development-key)`,
    );
  let policy: WitnessPolicy;
  try {
    policy = witnessPolicyFromEnv();
  } catch (e) {
    a.usage((e as Error).message);
  }
  const dev = policy.witnesses.filter(isDevelopmentWitnessKey).map((w) => w.name);
  if (dev.length && !a.has('allow-development-key'))
    fail(
      '见证公钥是公开的开发密钥，任何人都能签',
      `${WITNESS_KEYS_VARIABLE} lists development witness keys (${dev.join(', ')}), anyone can sign with them`,
    );
  return policy;
}

/**
 * A witnessed event's note must carry valid cosignatures of at least the quorum of the pinned
 * witnesses, and every witness its cosignedBy names must be one of them: the event's own claims
 * (cosignedBy, quorum) are not taken on trust.
 */
function checkWitnessed(at: string, note: string, cosignedBy: readonly string[], policy: WitnessPolicy): void {
  let valid: string[];
  try {
    valid = verifiedCosignatures(note, policy.witnesses).map((c) => c.witness.name);
  } catch {
    fail(`${at} 的见证签名无法解析`, `${at}: its cosignature lines cannot be read`);
  }
  if (valid.length < policy.quorum)
    fail(
      `${at} 只有 ${valid.length} 个有效见证签名，法定数为 ${policy.quorum}`,
      `${at}: ${valid.length} valid cosignature(s) of the ${policy.witnesses.length} pinned witnesses, the quorum is ${policy.quorum}`,
    );
  const unproven = cosignedBy.filter((name) => !valid.includes(name));
  if (unproven.length)
    fail(
      `${at} 声称的见证人没有有效签名：${unproven.join(', ')}`,
      `${at}: cosignedBy names ${unproven.join(', ')} without a valid cosignature`,
    );
}

export async function checkpoints(a: ProveArgs): Promise<void> {
  const [context] = a.positional;
  if (context !== 'evaluation' && context !== 'commendation') a.usage('checkpoints evaluation|commendation [--last n]');
  const last = a.flag('last') === undefined ? Infinity : Number(a.flag('last'));
  if (!(last >= 1)) a.usage('--last takes a number of checkpoints, at least 1');
  const stream = `checkpoint-${a.flag('store') ?? context}`;
  const topic = a.flag('topic') ?? (process.env['VANGUARD_CHECKPOINT_TOPIC']?.trim() || AUDIT_CHECKPOINT_TOPIC);
  try {
    const verifier = eventVerifier(a);
    const policy = witnessPolicy(a);
    const values = await readStream(topic, stream);
    const byId = new Map<string, string>();
    const byKindAndSize = new Map<string, string>();
    const signed = new Map<number, Checkpoint>();
    const witnessed = new Map<number, Checkpoint>();
    for (const value of values) {
      const e = JSON.parse(value) as EventEnvelope<CheckpointData>;
      if (!KINDS.has(e.type)) continue;
      const at = `${e.type} #${e.data.treeSize}`;
      const seen = byId.get(e.eventId);
      if (seen !== undefined && seen !== value)
        fail(`${at} 重发时内容不同`, `${at} (event ${e.eventId}) was published again with other content`);
      if (seen !== undefined) continue;
      byId.set(e.eventId, value);
      const check = verifier.verify(e);
      if (!check.ok)
        fail(`${at} 的事件签名无效（${check.reason}）`, `${at}: the event is not signed by the audit service (${check.reason})`);
      const cp = openCheckpoint(e.data.note, keyFor(context, e.data.origin, a));
      if (cp.size !== e.data.treeSize || cp.root.toString('base64') !== e.data.rootHash || cp.origin !== e.data.origin)
        fail(`${at} 的字段与签名注记不符`, `${at}: the event's origin, size or root differ from its signed note`);
      const other = byKindAndSize.get(`${e.type}@${cp.size}`);
      if (other !== undefined) fail(`${at} 有两个事件`, `${at}: two events (${other}, ${e.eventId}) for one checkpoint`);
      byKindAndSize.set(`${e.type}@${cp.size}`, e.eventId);
      if (e.type === 'audit.CheckpointWitnessed') {
        checkWitnessed(at, e.data.note, e.data.cosignedBy ?? [], policy);
        witnessed.set(cp.size, cp);
      } else signed.set(cp.size, cp);
    }
    // After the loop, so a witnessed event put on the topic before its size's signed one is compared too.
    for (const [size, w] of witnessed) {
      const s = signed.get(size);
      if (!s) fail(`见证的检查点 #${size} 在主题上没有签名事件`, `witnessed checkpoint #${size} has no signed event on the topic`);
      if (!s.root.equals(w.root)) fail(`大小 ${size} 有两个不同的根：分叉`, `two roots at size ${size}: a fork`);
    }
    const sizes = [...signed.keys()].sort((x, y) => x - y);
    if (sizes.length === 0) fail(`${topic} 上没有 ${stream} 的检查点`, `no checkpoint of ${stream} on ${topic}`);
    const checked = sizes.slice(-Math.min(last, sizes.length));
    for (let i = 1; i < checked.length; i++) await consistent(context, signed.get(checked[i - 1]!)!, signed.get(checked[i]!)!, a);
    const first = signed.get(sizes[0]!)!;
    out(
      `✓ 已核验 / VERIFIED: ${topic} 上 ${first.origin} 的 ${sizes.length} 个检查点（大小 ${sizes[0]}…${sizes.at(-1)}，${witnessed.size} 个已见证）`,
    );
    out(
      `  ${sizes.length} checkpoints of ${first.origin} on the topic, sizes ${sizes[0]}…${sizes.at(-1)}, ${witnessed.size} witnessed ` +
        `(each by at least ${policy.quorum} of the ${policy.witnesses.length} pinned witnesses): each signed by the audit service and the log key, one root per size, ` +
        `the last ${checked.length} each a prefix of the next`,
    );
  } catch (e) {
    if (!(e instanceof ProofFailure)) throw e;
    out(`✗ 证明不成立 / PROOF FAILED: ${e.zh}`);
    out(`  ${e.en}`);
    process.exit(3);
  }
}

async function consistent(context: string, older: Checkpoint, newer: Checkpoint, a: ProveArgs): Promise<void> {
  if (older.size === 0) return; // the empty tree is a prefix of every tree
  const q = new URLSearchParams({ from: String(older.size), to: String(newer.size) });
  const answer = (await a.get(`/transparency/${encodeURIComponent(context)}/consistency?${q.toString()}`)) as { proof: string[] };
  const path = answer.proof.map((h) => {
    const raw = Buffer.from(h, 'base64');
    if (raw.length !== 32 || raw.toString('base64') !== h) fail('证明中的哈希不是 32 字节', 'a proof hash is not 32 bytes of base64');
    return raw;
  });
  checkConsistency(older.size, older.root, newer.size, newer.root, path);
}

function fail(zh: string, en: string): never {
  throw new ProofFailure(zh, en);
}
