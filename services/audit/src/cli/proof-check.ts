// The offline check behind `npm run audit -- prove`. Written here on purpose from the specs alone
// (RFC 9162 §2.1.3.2 and §2.1.4.2, C2SP signed-note and tlog-checkpoint, ADR 0033's stream map),
// with node:crypto only and nothing from libs/transparency-log: an auditor's verdict must not rest
// on the code that built the proof, or a bug there would prove itself right.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

export class ProofFailure extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
    this.name = 'ProofFailure';
  }
}

function fail(zh: string, en: string): never {
  throw new ProofFailure(zh, en);
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafOf = (text: string): Buffer => sha256(Buffer.from([0]), Buffer.from(text, 'utf8'));
const nodeOf = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([1]), left, right);

/** Strict base64 (the encoding round-trips), as the formats require one spelling per value. */
function base64(text: string, what: string, length?: number): Buffer {
  const raw = Buffer.from(text, 'base64');
  if (raw.toString('base64') !== text || (length !== undefined && raw.length !== length))
    fail(`${what} 不是合法的 base64`, `${what} is not valid base64${length ? ` of ${length} bytes` : ''}`);
  return raw;
}

export interface PinnedKey {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  readonly key: KeyObject;
}

/** A C2SP vkey, `<name>+<8 hex key id>+<base64(0x01 ‖ Ed25519 public key)>`, its key id recomputed. */
export function pinKey(vkey: string): PinnedKey {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const [name, id, encoded] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  if (first <= 0 || second < 0 || !/^[0-9a-f]{8}$/.test(id)) fail('公钥格式不对', 'a verifier key reads <name>+<key id>+<base64 key>');
  const raw = base64(encoded, 'verifier key', 33);
  if (raw[0] !== 0x01) fail('不是 Ed25519 公钥', 'not an Ed25519 verifier key');
  const publicKey = raw.subarray(1);
  const keyId = sha256(Buffer.from(`${name}\n`, 'utf8'), raw).subarray(0, 4);
  if (keyId.toString('hex') !== id) fail('公钥的密钥标识与内容不符', 'the verifier key id does not match the key');
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return { name, keyId, publicKey, key: createPublicKey({ key: spki, format: 'der', type: 'spki' }) };
}

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  /** `vanguard-streams/v1 <count> <root>`: the stream-head map the checkpoint commits to. */
  readonly streams?: { readonly count: number; readonly root: Buffer };
  /** `vanguard-trail/v1 <size> <root> <count> <map root>`: the auditors' trail's log the checkpoint commits to (ADR 0077). */
  readonly trail?: { readonly size: number; readonly root: Buffer; readonly streams: { readonly count: number; readonly root: Buffer } };
  /** The signed body, as the note carries it. */
  readonly body: string;
}

/** Opens a signed checkpoint note with the pinned key: signature, key id, origin = key name, then the body's lines. */
export function openCheckpoint(note: string, key: PinnedKey): Checkpoint {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) fail('检查点不是签名注记', 'the checkpoint is not a signed note');
  const body = note.slice(0, split + 1);
  const signatures = note.slice(split + 2, -1).split('\n');
  const mine = signatures.filter((l) => l.startsWith(`— ${key.name} `));
  if (mine.length === 0) fail(`检查点没有 ${key.name} 的签名`, `the checkpoint carries no signature by ${key.name}`);
  const valid = mine.some((line) => {
    const raw = Buffer.from(line.slice(key.name.length + 3), 'base64');
    return raw.length === 68 && raw.subarray(0, 4).equals(key.keyId) && verify(null, Buffer.from(body, 'utf8'), key.key, raw.subarray(4));
  });
  if (!valid) fail('检查点签名无效（非所固定的公钥签署或内容被改）', 'the checkpoint signature does not verify under the pinned key');
  const lines = body.slice(0, -1).split('\n');
  const [origin = '', sizeText, rootText, ...extensions] = lines;
  if (origin !== key.name) fail(`检查点属于 ${origin}，不是 ${key.name}`, `the checkpoint is of ${origin}, not ${key.name}`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText ?? '')) fail('检查点的树大小不是十进制数', 'the tree size is not a decimal number');
  const size = Number(sizeText);
  const root = base64(rootText ?? '', 'root hash', 32);
  const line = extensions.find((l) => l.startsWith('vanguard-streams/v1 '));
  const [, count, mapRoot] = line?.split(' ') ?? [];
  const streams = line ? { count: Number(count), root: base64(mapRoot ?? '', 'stream map root', 32) } : undefined;
  const trail = trailLine(extensions);
  return { origin, size, root, body, ...(streams ? { streams } : {}), ...(trail ? { trail } : {}) };
}

function trailLine(extensions: readonly string[]): Checkpoint['trail'] {
  const lines = extensions.filter((l) => l.startsWith('vanguard-trail/v1 '));
  if (lines.length === 0) return undefined;
  const fields = lines[0]!.split(' ').slice(1);
  const decimal = (t: string | undefined) => /^(0|[1-9][0-9]*)$/.test(t ?? '') && Number.isSafeInteger(Number(t));
  if (lines.length > 1 || fields.length !== 4 || !decimal(fields[0]) || !decimal(fields[2]))
    fail('检查点的审计记录行格式不对', 'the checkpoint’s vanguard-trail/v1 line is malformed');
  return {
    size: Number(fields[0]),
    root: base64(fields[1]!, 'trail root', 32),
    streams: { count: Number(fields[2]), root: base64(fields[3]!, 'trail map root', 32) },
  };
}

/**
 * The auditors' trail as the checkpoint committed it, shaped as a checkpoint of its own (its size,
 * root and stream map), so an entry is checked exactly as an event is: `checkEvents`, `checkWholeStream`.
 */
export function trailCheckpoint(cp: Checkpoint): Checkpoint {
  if (!cp.trail) fail('检查点未承诺审计记录', 'the checkpoint commits to no auditors’ trail (signed before ADR 0077?)');
  return { origin: `${cp.origin} trail`, size: cp.trail.size, root: cp.trail.root, streams: cp.trail.streams, body: cp.body };
}

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);
const powerOfTwo = (n: number): boolean => {
  while (n > 1 && !odd(n)) n = half(n);
  return n === 1;
};

/** RFC 9162 §2.1.3.2: the root that `path` gives leaf `index` of a tree of `size`, or a failure. */
export function rootFromInclusion(index: number, size: number, leaf: Buffer, path: readonly Buffer[]): Buffer {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    fail(`叶序号 ${index} 不在树内`, `leaf ${index} is outside a tree of ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) fail('包含路径过长', 'the inclusion path is too long');
    if (odd(fn) || fn === sn) {
      r = nodeOf(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else r = nodeOf(r, p);
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) fail('包含路径过短', 'the inclusion path is too short');
  return r;
}

/** RFC 9162 §2.1.4.2: does `path` show that the tree (`first`, `firstRoot`) is a prefix of (`second`, `secondRoot`)? */
export function checkConsistency(first: number, firstRoot: Buffer, second: number, secondRoot: Buffer, path: readonly Buffer[]): void {
  if (first > second)
    fail(
      `旧检查点（${first}）比新的（${second}）大：日志被回滚`,
      `the old checkpoint (${first}) is larger than the new (${second}): a rollback`,
    );
  // As transparency-dev/merkle: a proof from the empty tree proves nothing (the caller says so itself).
  if (first === 0) fail('从空树出发的一致性证明没有意义', 'a consistency proof from the empty tree proves nothing');
  if (first === second) {
    if (path.length !== 0 || !firstRoot.equals(secondRoot))
      fail('同一大小的两个检查点根哈希不同：日志分叉', 'two checkpoints of one size with different roots: a fork');
    return;
  }
  if (path.length === 0) fail('一致性证明为空', 'the consistency proof is empty');
  const steps = powerOfTwo(first) ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = steps[0]!;
  let sr = steps[0]!;
  for (const c of steps.slice(1)) {
    if (sn === 0) fail('一致性证明过长', 'the consistency proof is too long');
    if (odd(fn) || fn === sn) {
      fr = nodeOf(c, fr);
      sr = nodeOf(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else sr = nodeOf(sr, c);
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) fail('一致性证明过短', 'the consistency proof is too short');
  if (!fr.equals(firstRoot)) fail('证明与旧检查点的根不符：历史被改写', 'the proof does not rebuild the old root: history was rewritten');
  if (!sr.equals(secondRoot)) fail('证明与新检查点的根不符', 'the proof does not rebuild the new root');
}

export interface ProvedEvent {
  readonly version: number;
  readonly index: number;
  readonly text: string | null;
  readonly path: readonly string[];
}
interface MapLeaf {
  readonly index: number;
  readonly entry: { readonly stream: string; readonly version: number; readonly head: string };
  readonly path: readonly string[];
}
export type MapProof = { kind: 'present'; leaf: MapLeaf } | { kind: 'absent'; left?: MapLeaf; right?: MapLeaf };

/** Each event's own text states its stream and version, and its leaf with its path rebuilds the checkpoint's root. */
export function checkEvents(cp: Checkpoint, stream: string, events: readonly ProvedEvent[]): void {
  for (const e of events) {
    if (e.text === null) fail(`${stream} 第 ${e.version} 版在库中已不存在`, `version ${e.version} of ${stream} is gone from the store`);
    let stated: { streamId?: unknown; streamVersion?: unknown };
    try {
      stated = JSON.parse(e.text) as typeof stated;
    } catch {
      return fail(`第 ${e.version} 版的原文不是 JSON`, `the text of version ${e.version} is not JSON`);
    }
    if (stated.streamId !== stream || stated.streamVersion !== e.version)
      fail(
        `原文写的是 ${String(stated.streamId)} 第 ${String(stated.streamVersion)} 版`,
        `the text states ${String(stated.streamId)} v${String(stated.streamVersion)}, not ${stream} v${e.version}`,
      );
    const path = e.path.map((h) => base64(h, 'path hash', 32));
    if (!rootFromInclusion(e.index, cp.size, leafOf(e.text), path).equals(cp.root))
      fail(
        `${stream} 第 ${e.version} 版不在检查点（大小 ${cp.size}）中：原文或路径被改`,
        `version ${e.version} of ${stream} is not in the checkpoint of size ${cp.size}: its text or path was changed`,
      );
  }
}

const mapLeafOk = (cp: Checkpoint, leaf: MapLeaf): boolean => {
  const text = JSON.stringify({ head: leaf.entry.head, stream: leaf.entry.stream, version: leaf.entry.version });
  const path = leaf.path.map((h) => base64(h, 'map path hash', 32));
  return rootFromInclusion(leaf.index, cp.streams!.count, leafOf(text), path).equals(cp.streams!.root);
};
const before = (a: string, b: string): boolean => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;

/** Where every stream's hash chain starts (ADR 0033): 64 zeros, as hex. */
export const CHAIN_START = '0'.repeat(64);

/** The stream's hash chain carried from `prev` (hex) over the events' texts: sha256(prev ‖ text), as the stores chain them. */
export const chainOver = (prev: string, events: readonly ProvedEvent[]): string =>
  events.reduce((head, e) => sha256(Buffer.from(head + e.text!, 'utf8')).toString('hex'), prev);

/**
 * What the checkpoint's signed stream map says of `stream`: its entry (how many events, the head
 * their chain ends at), or null when it has none — the map's two neighbours around where it
 * would sort are then adjacent.
 */
export function checkMapEntry(cp: Checkpoint, stream: string, proof: MapProof): { readonly version: number; readonly head: string } | null {
  if (!cp.streams) fail('检查点未承诺流头映射', 'the checkpoint commits to no stream map');
  if (proof.kind === 'present') {
    const { entry } = proof.leaf;
    if (entry.stream !== stream) fail(`映射项属于 ${entry.stream}`, `the map entry is of ${entry.stream}, not ${stream}`);
    if (!mapLeafOk(cp, proof.leaf)) fail('流头映射项不在检查点的映射中', "the stream's map entry is not in the checkpoint's map");
    return { version: entry.version, head: entry.head };
  }
  const { left, right } = proof;
  for (const n of [left, right])
    if (n && !mapLeafOk(cp, n)) fail('相邻映射项不在检查点的映射中', 'a neighbouring map entry is not in the map');
  if (left && !before(left.entry.stream, stream)) fail('左邻项不在该流之前', 'the left neighbour does not sort before the stream');
  if (right && !before(stream, right.entry.stream)) fail('右邻项不在该流之后', 'the right neighbour does not sort after the stream');
  const leftIndex = left ? left.index : -1;
  const rightIndex = right ? right.index : cp.streams.count;
  if (rightIndex !== leftIndex + 1) fail('两个邻项之间还有别的映射项', 'the neighbours are not adjacent in the map');
  return null;
}

/**
 * That `events` (versions 1..k, already checked by `checkEvents`) are ALL of the stream as of the
 * checkpoint: its entry in the signed stream map has version k and the head their hash chain ends
 * at; or, with no events, the map's two neighbours around where it would sort are adjacent.
 * (A stream given page by page: proof-check-pages.ts, with the same two checks.)
 */
export function checkWholeStream(cp: Checkpoint, stream: string, events: readonly ProvedEvent[], proof: MapProof): void {
  if (!cp.streams) fail('检查点未承诺流头映射', 'the checkpoint commits to no stream map');
  if (events.some((e, i) => e.version !== i + 1)) fail('事件版本不连续', 'the events are not versions 1..k');
  if (proof.kind === 'absent' && events.length > 0)
    fail('映射称该流无事件，却给出了事件', 'the map says the stream has no events, yet events were given');
  const entry = checkMapEntry(cp, stream, proof);
  if (!entry) return;
  if (entry.version !== events.length)
    fail(
      `检查点记该流有 ${entry.version} 个事件，给出的是 ${events.length} 个`,
      `the checkpoint records ${entry.version} events of ${stream}, ${events.length} were given`,
    );
  if (chainOver(CHAIN_START, events) !== entry.head)
    fail('事件的哈希链与检查点记录的流头不符', "the events' hash chain does not end at the head the checkpoint records");
}
